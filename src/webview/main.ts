/**
 * The chat page. Builds the page and draws the state it was created with
 * (embedded in its HTML), then says `ready`, naming that state's revision: the
 * host answers with the whole state if it has changed since (or none was
 * embedded) and, from then on, with incremental updates.
 */
import DOMPurify from 'dompurify';
import { isChatPageData } from '../core/common/protocol';
import { App } from './app';
import { SCRIPT_START_MARK, STATE_RECEIVED_MARK, mark } from './marks';
import { createSanitizer } from './sanitize';
import { readPageData } from './pageData';
import { connect } from './vscodeApi';


export function startChatPage(): void {
  mark(SCRIPT_START_MARK);
  const root = document.getElementById('app');
  if (!root) return;
  root.classList.add('app');
  const host = connect();
  const app = new App(root, host, createSanitizer(DOMPurify));
  let stateSeen = false;
  const receive = (message: unknown) => {
    if (!stateSeen && (message as { type?: unknown } | null)?.type === 'state') {
      stateSeen = true;
      mark(STATE_RECEIVED_MARK);
    }
    app.receive(message);
  };
  window.addEventListener('message', (event: MessageEvent<unknown>) => receive(event.data));
  const data = readPageData();
  if (data !== undefined && !isChatPageData(data)) console.warn('Reasoner chat: ignored malformed data the page was created with');
  const embedded = isChatPageData(data) ? data : undefined;
  if (embedded) receive({ type: 'state', state: embedded.state });
  host.post(embedded ? { type: 'ready', shown: embedded.revision } : { type: 'ready' });
}
