/**
 * The chat page. Builds the page, then says `ready`: the host answers with the
 * whole chat state and, from then on, with incremental updates.
 */
import DOMPurify from 'dompurify';
import { App } from './app';
import { createSanitizer } from './sanitize';
import { connect } from './vscodeApi';

export function startChatPage(): void {
  const root = document.getElementById('app');
  if (!root) return;
  root.classList.add('app');
  const host = connect();
  const app = new App(root, host, createSanitizer(DOMPurify));
  window.addEventListener('message', (event: MessageEvent<unknown>) => app.receive(event.data));
  host.post({ type: 'ready' });
}
