/**
 * How often a surface that redraws a whole streaming answer draws it. VS Code's comment threads are such a
 * surface: every time a thread's comments are set, the extension host parses each comment's whole Markdown (it
 * looks for the links it must rewrite) and sends it to the window. Drawn at a fixed rate, an answer of n
 * characters costs in proportion to n²; drawn at an interval that grows with the text shown, each draw adds a
 * fixed share of the answer, and the whole stream costs a small multiple of drawing the answer once.
 */

/** The shortest wait between draws: short answers stream smoothly. */
export const SHORTEST_DRAW_INTERVAL_MS = 120;
/** Past that, the wait grows with the text: about one draw a second at 100,000 characters, what a comment shows at most. */
const SHOWN_CHARS_PER_MS = 100;

/** The wait before the next draw, for a drawn text of `shownChars` characters. */
export function drawIntervalMs(shownChars: number): number {
  return Math.max(SHORTEST_DRAW_INTERVAL_MS, shownChars / SHOWN_CHARS_PER_MS);
}
