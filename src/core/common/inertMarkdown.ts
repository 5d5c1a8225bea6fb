/**
 * Model text made safe for VS Code's own Markdown surfaces (comment threads,
 * hovers), which fetch images and, with HTML on, render tags:
 *
 * - raw HTML shows as text (`<` is escaped), so no tag, handler or style gets through;
 * - an image becomes a plain link (`![x](url)` shows as "!" and a link to url), so
 *   nothing is fetched without a click;
 * - a link to anything but http(s) or mailto (`command:`, `javascript:`, `vscode:`, look-alikes…)
 *   shows as text, inline or as a reference definition;
 * - code spans and fenced blocks are left exactly as they are (they render as text anyway).
 *
 * One pass over the text, linear in its length whatever it holds: it is foreign.
 */

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

export function inertMarkdown(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  let paragraph: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length > 0) out.push(escapeOutsideCode(paragraph.join('\n')));
    paragraph = [];
  };
  for (const line of lines) {
    if (fence !== undefined) {
      out.push(line);
      const close = FENCE_OPEN.exec(line)?.[1];
      if (close !== undefined && close[0] === fence[0] && close.length >= fence.length && line.trim() === close) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(line)?.[1];
    if (open !== undefined) {
      flushParagraph();
      fence = open;
      out.push(line);
      continue;
    }
    paragraph.push(line);
  }
  flushParagraph();
  return out.join('\n');
}

/** Escapes `<` and image `!` outside code spans; code spans (any backtick run closed by one of the same length) stay as they are. */
function escapeOutsideCode(text: string): string {
  const spans = codeSpans(text);
  let out = '';
  let span = 0;
  for (let i = 0; i < text.length; i++) {
    const current = spans[span];
    if (current && i === current.start) {
      out += text.slice(current.start, current.end);
      i = current.end - 1;
      span++;
      continue;
    }
    const char = text[i]!;
    if (char === '\\') {
      // An escaped character stays escaped; keep the pair together.
      out += text.slice(i, i + 2);
      i++;
    } else if (char === '<') {
      out += '\\<';
    } else if (char === '!' && text[i + 1] === '[') {
      out += '\\!';
    } else if (char === ']' && text[i + 1] === '(' && !isWebDestination(text, i + 2)) {
      out += ']\\(';
      i++;
    } else if (char === '[' && atLineStart(text, i) && isUnsafeDefinition(text, i)) {
      out += '\\[';
    } else {
      out += char;
    }
  }
  return out;
}

/** Destinations are read this far at most: a scheme is short, and the scan must stay linear. */
const DESTINATION_SCAN = 2048;

/** Whether the link destination starting at `from` is a web link (or a relative one, which has no scheme). */
function isWebDestination(text: string, from: number): boolean {
  let start = from;
  while (start < text.length && (text[start] === ' ' || text[start] === '\t' || text[start] === '\n')) start++;
  if (text[start] === '<') start++;
  const head = text.slice(start, start + DESTINATION_SCAN);
  const end = head.search(/[\s)>]/);
  const destination = end < 0 ? head : head.slice(0, end);
  const colon = destination.indexOf(':');
  if (colon < 0) return true;
  const delimiter = destination.search(/[/?#]/);
  if (delimiter >= 0 && delimiter < colon) return true;
  return /^(https?|mailto):/i.test(destination);
}

function atLineStart(text: string, index: number): boolean {
  let i = index - 1;
  let spaces = 0;
  while (i >= 0 && text[i] === ' ' && spaces <= 3) { i--; spaces++; }
  return spaces <= 3 && (i < 0 || text[i] === '\n');
}

/** `[label]: destination` whose destination is not a web link. */
function isUnsafeDefinition(text: string, index: number): boolean {
  const line = text.slice(index, index + DESTINATION_SCAN);
  const close = line.indexOf(']:');
  const newline = line.indexOf('\n');
  if (close < 0 || (newline >= 0 && newline < close)) return false;
  return !isWebDestination(text, index + close + 2);
}

interface Span { readonly start: number; readonly end: number }

/** Code spans, in order: each backtick run is matched with the next run of the same length, found through per-length queues. */
function codeSpans(text: string): Span[] {
  const runs: { start: number; length: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] !== '`') continue;
    let end = i;
    while (text[end] === '`') end++;
    runs.push({ start: i, length: end - i });
    i = end - 1;
  }
  const byLength = new Map<number, number[]>();
  runs.forEach((run, index) => {
    const list = byLength.get(run.length) ?? [];
    list.push(index);
    byLength.set(run.length, list);
  });
  const cursor = new Map<number, number>();
  const spans: Span[] = [];
  let next = 0;
  while (next < runs.length) {
    const run = runs[next]!;
    const same = byLength.get(run.length)!;
    let position = cursor.get(run.length) ?? 0;
    while (position < same.length && same[position]! <= next) position++;
    cursor.set(run.length, position);
    const closing = same[position];
    if (closing === undefined) { next++; continue; }
    const closer = runs[closing]!;
    spans.push({ start: run.start, end: closer.start + closer.length });
    next = closing + 1;
  }
  return spans;
}
