import {
  BLOCK_SEPARATOR, contentLines, fenceContent, fenceOpener, isClosedFence, normalizeNewlines, parseBlocks, topLevelBlocks,
  writeFenceLines, writeTopLevel, type Siblings, type TopLevelBlock,
} from './inertMarkdown';

/** Below this size the unfinished part is parsed again at every new line; above it, once it has doubled. */
const REPARSE_EVERY_LINE_BELOW = 16 * 1024;
const REPARSE_GROWTH = 2;

/**
 * {@link inertMarkdown} for an answer that arrives in pieces, for surfaces that
 * append what they are given (VS Code's Chat view) or that draw the answer again
 * and again as it grows (comment threads). What `push` returns, followed by what
 * `end` returns, is exactly `inertMarkdown(whole answer)`.
 *
 * A block at the top of the answer is handed on once markdown-it has begun the
 * next one (nothing later can change it then), and a fenced block line by line
 * as its lines arrive.
 */
export class InertMarkdownStream {
  /** Answer text not yet handed on: from the start of an unfinished block, or inside the open fence. */
  private pending = '';
  private carriageReturn = false;
  /** A block was handed on, so the next one begins with the separator. */
  private started = false;
  /** The open fence at the top of the answer: its opening line as written, and its marker. */
  private fence: { readonly sourceLine: string; readonly markup: string } | undefined;
  /** `pending`'s complete lines when they were last parsed. */
  private parsedLength = 0;
  private siblings: Siblings = { listMarker: undefined };

  /** Takes the next piece of the answer; returns the inert Markdown that can be shown now. */
  push(delta: string): string {
    let text = this.carriageReturn ? `\r${delta}` : delta;
    this.carriageReturn = text.endsWith('\r');
    if (this.carriageReturn) text = text.slice(0, -1);
    if (text === '') return '';
    this.pending += normalizeNewlines(text);
    return text.includes('\n') || text.includes('\r') ? this.settle(false) : '';
  }

  /** The rest, once the answer is complete. */
  end(): string {
    if (this.carriageReturn) this.pending += '\n';
    this.carriageReturn = false;
    return this.settle(true);
  }

  /** What `end` would return now, leaving the stream as it is: with what was handed on, the answer so far as inert Markdown. */
  preview(): string {
    const copy = Object.assign(new InertMarkdownStream(), this);
    copy.siblings = { ...this.siblings };
    return copy.end();
  }

  private settle(final: boolean): string {
    let out = '';
    for (;;) {
      if (this.fence) {
        out += this.continueFence(final);
        if (this.fence) return out;
        continue;
      }
      if (!final && this.pending.length >= REPARSE_EVERY_LINE_BELOW && this.pending.length < this.parsedLength * REPARSE_GROWTH) return out;
      const complete = final ? this.pending : this.pending.slice(0, this.pending.lastIndexOf('\n') + 1);
      if (complete === '') return out;
      this.parsedLength = complete.length;
      const lines = complete.split('\n');
      const blocks = topLevelBlocks(parseBlocks(complete));
      const last = blocks[blocks.length - 1];
      const count = !final && last !== undefined && !isSettled(last) ? blocks.length - 1 : blocks.length;
      for (const block of blocks.slice(0, count)) out += this.handOn(writeTopLevel(block, lines, this.siblings));
      const open = blocks[count];
      if (open === undefined) {
        this.pending = this.pending.slice(complete.length);
        this.parsedLength = 0;
        return out;
      }
      const first = open.tokens[0]!;
      const startOffset = offsetOfLine(complete, open.startLine);
      // A fence's opening line alone may still become a table's header row, if a delimiter row follows.
      if (first.type !== 'fence' || open.endLine - open.startLine < 2) {
        this.pending = this.pending.slice(startOffset);
        if (count > 0) this.parsedLength = 0;
        return out;
      }
      // An open fence: its opening line and the content so far go now, the rest line by line.
      this.siblings.listMarker = undefined;
      out += this.handOn(`${fenceOpener(first)}\n${fenceContent(first, lines.slice(open.startLine + 1))}`);
      this.fence = { sourceLine: lines[open.startLine]!, markup: first.markup };
      this.pending = this.pending.slice(offsetOfLine(complete, open.endLine));
      this.parsedLength = 0;
    }
  }

  /** Hands on the open fence's complete lines, up to its closing line if one came (then the fence is over). */
  private continueFence(final: boolean): string {
    const fence = this.fence!;
    let complete = this.pending.slice(0, this.pending.lastIndexOf('\n') + 1);
    // markdown-it reads a last line without a newline as a line, unless it is only blanks.
    if (final && !/^[ \t]*$/.test(this.pending.slice(complete.length))) complete = `${this.pending}\n`;
    if (complete === '') {
      if (!final) return '';
      this.fence = undefined;
      return fence.markup;
    }
    // Read again after its opening line and a blank one (content it has already had): right
    // after the opening line, a delimiter row would make that line a table's header.
    const [token] = parseBlocks(`${fence.sourceLine}\n\n${complete}`);
    if (token?.type !== 'fence') throw new Error('the open fence was not read as a fence again');
    const content = writeFenceLines(fence.markup, contentLines(token).slice(1), complete.split('\n'));
    if (isClosedFence(token)) {
      this.fence = undefined;
      this.pending = this.pending.slice(offsetOfLine(complete, token.map![1] - 2));
      return `${content}${fence.markup}`;
    }
    this.pending = final ? '' : this.pending.slice(complete.length);
    if (final) this.fence = undefined;
    return `${content}${final ? fence.markup : ''}`;
  }

  private handOn(block: string): string {
    if (block === '') return '';
    const out = this.started ? `${BLOCK_SEPARATOR}${block}` : block;
    this.started = true;
    return out;
  }
}

/**
 * Whether the last block seen can no longer change: a closed fence. (Even a heading can: with a
 * `|` in it and a delimiter row after it, it is a table's header row.)
 */
function isSettled(block: TopLevelBlock): boolean {
  const first = block.tokens[0]!;
  return first.type === 'fence' && isClosedFence(first);
}

function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const newline = text.indexOf('\n', offset);
    if (newline < 0) return text.length;
    offset = newline + 1;
  }
  return offset;
}

/**
 * The inert Markdown of a text that grows between draws (an answer being streamed into a
 * surface that draws it whole each time): only what was added is converted again.
 */
export class InertMarkdownCache {
  private text = '';
  private handedOn = '';
  private stream = new InertMarkdownStream();

  convert(text: string): string {
    if (!text.startsWith(this.text)) {
      this.text = '';
      this.handedOn = '';
      this.stream = new InertMarkdownStream();
    }
    if (text.length > this.text.length) {
      this.handedOn += this.stream.push(text.slice(this.text.length));
      this.text = text;
    }
    return this.handedOn + this.stream.preview();
  }
}
