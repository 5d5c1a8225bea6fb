/**
 * The Compare Models page. Builds the page, then says `ready`: the host answers
 * with the whole comparison and, from then on, with its changes.
 */
import DOMPurify from 'dompurify';
import type { ComparePageMessage } from '../../core/common/compareProtocol';
import { createSanitizer } from '../sanitize';
import { ComparePage } from './comparePage';

declare function acquireVsCodeApi(): { postMessage(message: ComparePageMessage): void };

export function startComparePage(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const api = acquireVsCodeApi();
  const page = new ComparePage(root, { post: (message) => api.postMessage(message) }, createSanitizer(DOMPurify));
  window.addEventListener('message', (event: MessageEvent<unknown>) => page.receive(event.data));
  api.postMessage({ type: 'ready' });
}
