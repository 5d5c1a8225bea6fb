/**
 * The Compare Models page. Builds the page, then says `ready`: the host answers
 * with the whole comparison and, from then on, with its changes.
 */
import DOMPurify from 'dompurify';
import type { ComparePageMessage } from '../../core/common/compareProtocol';
import { createSanitizer } from '../sanitize';
import { ComparePage } from './comparePage';

/** What VS Code keeps of the page across a reload: which comparison it shows, so that the tab comes back with it. */
interface ComparePageState {
  readonly comparisonId: string;
}

declare function acquireVsCodeApi(): { postMessage(message: ComparePageMessage): void; setState(state: ComparePageState): void };

export function startComparePage(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const api = acquireVsCodeApi();
  const page = new ComparePage(root, { post: (message) => api.postMessage(message) }, createSanitizer(DOMPurify));
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const comparisonId = page.receive(event.data);
    if (comparisonId) api.setState({ comparisonId });
  });
  api.postMessage({ type: 'ready' });
}
