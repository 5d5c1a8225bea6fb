/** Performance marks the chat page sets and `npm run bench` reads (B5). */

/** The page's script starts. */
export const SCRIPT_START_MARK = 'reasoner:script-start';
/** The host's first state message arrives. */
export const STATE_RECEIVED_MARK = 'reasoner:state-received';
/** The first state, with the conversation list, has been painted. */
export const FIRST_PAINT_MARK = 'reasoner:first-state-painted';

/** Sets a mark; a page host without the User Timing API (jsdom) simply has none. */
export function mark(name: string, detail?: unknown): void {
  if (typeof performance.mark === 'function') performance.mark(name, detail === undefined ? undefined : { detail });
}
