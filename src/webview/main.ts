/**
 * The chat page. Builds the page, then says `ready`: the host answers with the
 * whole chat state and, from then on, with incremental updates.
 */
import DOMPurify from 'dompurify';
import { App } from './app';
import { SCRIPT_START_MARK, STATE_RECEIVED_MARK, mark } from './marks';
import { createSanitizer } from './sanitize';
import { connect } from './vscodeApi';


export function startChatPage(): void {
  mark(SCRIPT_START_MARK);
  const root = document.getElementById('app');
  if (!root) return;
  root.classList.add('app');
  const host = connect();
  const app = new App(root, host, createSanitizer(DOMPurify));
  let stateSeen = false;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!stateSeen && (event.data as { type?: unknown } | null)?.type === 'state') {
      stateSeen = true;
      mark(STATE_RECEIVED_MARK);
    }
    app.receive(event.data);
  });
  host.post({ type: 'ready' });
}
