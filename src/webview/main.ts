/**
 * Chat webview entry (bundled to dist/webview/chat.js). Builds the page, then
 * says `ready`: the host answers with the whole chat state and, from then on,
 * with incremental updates.
 */
import DOMPurify from 'dompurify';
import { App } from './app';
import { createSanitizer } from './sanitize';
import { connect } from './vscodeApi';

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  root.classList.add('app');
  const host = connect();
  const app = new App(root, host, createSanitizer(DOMPurify));
  window.addEventListener('message', (event: MessageEvent<unknown>) => app.receive(event.data));
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
