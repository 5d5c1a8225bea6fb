/**
 * How the HTML of a streaming answer's open block grew between two draws, when it only grew: `next` is
 * `previous` with `inserted` put just before closing tags that end `previous` (`closing`, their tag names,
 * innermost first; empty when `inserted` follows the whole block). `inserted` is balanced (every tag it
 * opens it closes, and it closes none it did not open), so parsing `next` puts its nodes at the end of
 * the element the first closing tag closes: the page appends them there, sanitized, instead of drawing
 * the block again. Undefined when the block changed otherwise (the page then draws it again).
 *
 * Works on markdown-it's output, where `<` and `>` in text are always escaped.
 */
export interface TailGrowth {
  readonly inserted: string;
  readonly closing: readonly string[];
}

const VOID_TAGS = new Set(['br', 'hr', 'img', 'input', 'wbr']);
/** Parsed alone (outside their table), these would lose their tags: such growth is drawn again. */
const TABLE_TAGS = new Set(['table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'col', 'colgroup']);
const TAG = /<(\/?)([a-z][a-z0-9]*)\b[^>]*>/g;

export function tailGrowth(previous: string, next: string): TailGrowth | undefined {
  if (next.length <= previous.length) return undefined;
  // The closing tags (and line ends between them) that end `previous`, as candidates for where it grew.
  const closing: { at: number; tag: string }[] = [];
  let end = previous.length;
  for (;;) {
    while (end > 0 && previous[end - 1] === '\n') end--;
    const match = /<\/([a-z][a-z0-9]*)>$/.exec(previous.slice(Math.max(0, end - 16), end));
    if (!match) break;
    end -= match[0].length;
    closing.push({ at: end, tag: match[1]! });
  }
  // Innermost first: text most often grows inside the deepest open element.
  for (let k = closing.length; k >= 0; k--) {
    const at = k === 0 ? previous.length : closing[k - 1]!.at;
    const rest = previous.slice(at);
    if (!next.startsWith(previous.slice(0, at)) || !next.endsWith(rest)) continue;
    const inserted = next.slice(at, next.length - rest.length);
    const tags = closing.slice(0, k).map((c) => c.tag).reverse();
    if (tags.some((tag) => TABLE_TAGS.has(tag) && tag !== 'td' && tag !== 'th')) continue;
    if (isBalanced(inserted)) return { inserted, closing: tags };
  }
  return undefined;
}

function isBalanced(html: string): boolean {
  const open: string[] = [];
  for (const match of html.matchAll(TAG)) {
    const name = match[2]!;
    if (TABLE_TAGS.has(name)) return false;
    if (VOID_TAGS.has(name)) continue;
    if (match[1]) {
      if (open.pop() !== name) return false;
    } else {
      open.push(name);
    }
  }
  return open.length === 0;
}
