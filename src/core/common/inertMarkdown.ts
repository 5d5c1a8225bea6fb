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

/**
 * {@link inertMarkdown} for an answer that arrives in pieces, for surfaces that
 * append what they are given (VS Code's Chat view). What `push` returns,
 * followed by what `end` returns, is exactly `inertMarkdown(whole answer)`;
 * text is handed on as soon as nothing that may still arrive can change how
 * it is escaped: word by word in prose, line by line where a line could open or
 * close a fence or define a link, and from an unclosed code span on only once
 * it closes.
 */
export class InertMarkdownStream {
  /** The open fence's marker, as in inertMarkdown. */
  private fence: string | undefined;
  /** Text received and not handed on. Outside a fence: the paragraph's tail; inside one: the current line. */
  private held = '';
  /** `held` begins after the start of its line (the line's beginning was handed on). */
  private heldMidLine = false;
  /** Where the current line starts in `held` (-1: before it), and the line so far. */
  private lineStart = 0;
  private line = '';
  /** How the current line begins, which decides whether part of it may be handed on. */
  private head: LineHead = { state: 'indent', spaces: 0 };
  /** Scanning `held` for code spans: the open span's backtick count, the run being counted, a pending backslash. */
  private openRun: number | undefined;
  private run = 0;
  private escaped = false;
  /** The last character scanned, and whether a link destination is still to come (after `](` or `]:`, blanks and one `<`). */
  private previous = '';
  private destination: 'none' | 'open' | 'angle' = 'none';
  /** In `held`: just after the last whitespace outside a code span and not before a link destination: a place where it can be cut. */
  private lastBreak = 0;

  /** Takes the next piece of the answer; returns the inert Markdown that can be shown now. */
  push(delta: string): string {
    let out = '';
    let from = 0;
    for (;;) {
      const newline = delta.indexOf('\n', from);
      const piece = newline < 0 ? delta.slice(from) : delta.slice(from, newline + 1);
      if (piece !== '') out += this.take(piece);
      if (newline < 0) break;
      from = newline + 1;
    }
    return out + this.handOnPartialLine();
  }

  /** The rest, once the answer is complete. */
  end(): string {
    const rest = this.fence !== undefined ? this.held : escapeOutsideCode(this.held, this.heldMidLine);
    this.held = '';
    return rest;
  }

  /** A piece that holds at most one newline, at its end. */
  private take(piece: string): string {
    // Only the piece is read here: indexing the growing `held` would copy it each time.
    if (this.fence === undefined) this.scan(piece, this.held.length);
    this.held += piece;
    this.line += piece;
    const next = this.fence === undefined ? nextHead : nextHeadInFence;
    for (const char of piece) if (char !== '\n') this.head = next(this.head, char);
    return piece.endsWith('\n') ? this.lineEnded() : '';
  }

  private lineEnded(): string {
    const line = this.line.slice(0, -1);
    this.line = '';
    let out = '';
    if (this.fence !== undefined) {
      out = this.held;
      this.held = '';
      const close = this.lineStart >= 0 ? FENCE_OPEN.exec(line)?.[1] : undefined;
      if (close !== undefined && close[0] === this.fence[0] && close.length >= this.fence.length && line.trim() === close) this.fence = undefined;
    } else {
      const open = this.lineStart >= 0 ? FENCE_OPEN.exec(line)?.[1] : undefined;
      if (open !== undefined) {
        out = escapeOutsideCode(this.held.slice(0, this.lineStart), this.heldMidLine) + this.held.slice(this.lineStart);
        this.held = '';
        this.fence = open;
      } else if (this.openRun === undefined && this.destination === 'none') {
        out = escapeOutsideCode(this.held, this.heldMidLine);
        this.held = '';
      }
    }
    if (this.held === '') {
      this.resetScan();
      this.heldMidLine = false;
    }
    this.lineStart = this.held.length;
    this.head = { state: 'indent', spaces: 0 };
    return out;
  }

  /** Hands on the settled part of an unfinished line. */
  private handOnPartialLine(): string {
    if (this.fence !== undefined) {
      if (this.head.state !== 'plain' || this.held === '') return '';
      const out = this.held;
      this.held = '';
      this.heldMidLine = true;
      this.lineStart = -1;
      return out;
    }
    // A line that may open a fence or define a link waits until it is complete.
    if (this.head.state !== 'plain') return '';
    const cut = this.lastBreak;
    if (cut === 0) return '';
    const out = escapeOutsideCode(this.held.slice(0, cut), this.heldMidLine);
    this.held = this.held.slice(cut);
    this.heldMidLine = true;
    this.lineStart = -1;
    this.lastBreak = 0;
    return out;
  }

  private resetScan(): void {
    this.openRun = undefined;
    this.run = 0;
    this.escaped = false;
    this.previous = '';
    this.destination = 'none';
    this.lastBreak = 0;
  }

  /** Follows code spans the way codeSpans() pairs them (a run is closed by the next run of the same length), and link destinations. */
  private scan(piece: string, offset: number): void {
    for (let i = 0; i < piece.length; i++) {
      const char = piece[i]!;
      const previous = this.previous;
      this.previous = char;
      if (this.escaped) {
        this.escaped = false;
        this.destination = 'none';
        continue;
      }
      if (char === '`') {
        this.run++;
        this.destination = 'none';
        continue;
      }
      if (this.run > 0) this.endRun();
      const blank = char === ' ' || char === '\t' || char === '\n';
      if (char === '\\') this.escaped = true;
      if ((char === '(' || char === ':') && previous === ']') this.destination = 'open';
      else if (char === '<' && this.destination === 'open') this.destination = 'angle';
      else if (!blank) this.destination = 'none';
      if (blank && this.openRun === undefined && this.destination === 'none') this.lastBreak = offset + i + 1;
    }
  }

  private endRun(): void {
    if (this.openRun === undefined) this.openRun = this.run;
    else if (this.openRun === this.run) this.openRun = undefined;
    this.run = 0;
  }
}

type LineHead =
  /** Only spaces so far (at most three). */
  | { readonly state: 'indent'; readonly spaces: number }
  /** Outside a fence, a line that may open one or define a link; inside, one that may close the fence. */
  | { readonly state: 'special' }
  /** Nothing that follows can make the line special. */
  | { readonly state: 'plain' };

/** Outside a fence: a fence character or `[` after at most three spaces makes the line special. */
function nextHead(head: LineHead, char: string): LineHead {
  if (head.state !== 'indent') return head;
  if (char === ' ') return head.spaces < 3 ? { state: 'indent', spaces: head.spaces + 1 } : { state: 'plain' };
  return char === '`' || char === '~' || char === '[' ? { state: 'special' } : { state: 'plain' };
}

/** Inside a fence: a line is special while it holds only fence characters and blanks after at most three spaces. */
function nextHeadInFence(head: LineHead, char: string): LineHead {
  if (head.state === 'plain') return head;
  if (head.state === 'special') return char === '`' || char === '~' || char === ' ' || char === '\t' ? head : { state: 'plain' };
  if (char === ' ') return head.spaces < 3 ? { state: 'indent', spaces: head.spaces + 1 } : { state: 'plain' };
  return char === '`' || char === '~' ? { state: 'special' } : { state: 'plain' };
}

/** Escapes `<` and image `!` outside code spans; code spans (any backtick run closed by one of the same length) stay as they are. */
function escapeOutsideCode(text: string, midLine = false): string {
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
    } else if (char === '[' && atLineStart(text, i, midLine) && isUnsafeDefinition(text, i)) {
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

function atLineStart(text: string, index: number, midLine: boolean): boolean {
  let i = index - 1;
  let spaces = 0;
  while (i >= 0 && text[i] === ' ' && spaces <= 3) { i--; spaces++; }
  return spaces <= 3 && (i < 0 ? !midLine : text[i] === '\n');
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
