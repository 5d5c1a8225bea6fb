/**
 * A top-level fenced code block that is still open while an answer streams, followed as text arrives
 * instead of being parsed again on every update: each character is looked at once.
 *
 * It decides which line closes the block as markdown-it's fence rule does (rules_block/fence.mjs: up to
 * three columns of indent, at least as many markers as the opening, then only spaces or tabs), and
 * strips the opening fence's indent from content lines as markdown-it's `getLines` does. A line that
 * could still become the closing fence is held back until it is complete or cannot close any more,
 * so that the code shown only ever grows.
 */

/** Where the current line stands in a closing fence: `ended` means it cannot be one. */
type LinePhase = 'indent' | 'markers' | 'spaces' | 'ended';

export interface FenceFeed {
  /** Code to show after what was shown before (not escaped). */
  readonly code: string;
  /** When the block closed: the index in the text fed just after the closing line's newline. */
  readonly closedAt?: number;
}

export class OpenFence {
  private phase: LinePhase = 'indent';
  private columns = 0;
  private markers = 0;
  /** The start of the current line, not shown yet because it may still close the block. */
  private held = '';

  /**
   * @param marker the opening fence's character, ` or ~
   * @param markerLength how many of them opened it
   * @param indent the opening fence's indent in columns, taken off each content line
   */
  constructor(private readonly marker: string, private readonly markerLength: number, private readonly indent: number) {}

  /** The block opened by `openingLine`, whose markers markdown-it read as `markup`. */
  static openedBy(openingLine: string, markup: string): OpenFence {
    const indent = columnsOf(/^[ \t]*/.exec(openingLine)![0]);
    return new OpenFence(markup[0] ?? '`', markup.length, indent);
  }

  feed(text: string): FenceFeed {
    let code = '';
    let start = 0;
    while (start < text.length) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      code += this.takeLine(text, start, end);
      if (newline === -1) break;
      if (this.phase !== 'ended' && this.markers >= this.markerLength) return { code, closedAt: newline + 1 };
      code += `${this.phase === 'ended' ? '' : stripIndent(this.held, this.indent)}\n`;
      this.phase = 'indent';
      this.columns = 0;
      this.markers = 0;
      this.held = '';
      start = newline + 1;
    }
    return { code };
  }

  /** The part of `text[start, end)`, a piece of the current line, that can be shown now. */
  private takeLine(text: string, start: number, end: number): string {
    if (this.phase === 'ended') return text.slice(start, end);
    for (let i = start; i < end; i++) {
      if (!this.mayClose(text[i]!)) {
        const line = stripIndent(this.held + text.slice(start, i + 1), this.indent);
        this.held = '';
        return line + text.slice(i + 1, end);
      }
    }
    this.held += text.slice(start, end);
    return '';
  }

  /** Moves the current line on by `ch`; false once the line cannot close the block. */
  private mayClose(ch: string): boolean {
    const space = ch === ' ' || ch === '\t';
    switch (this.phase) {
      case 'indent':
        if (space) {
          this.columns = advanceColumns(this.columns, ch);
          if (this.columns >= 4) this.phase = 'ended';
        } else if (ch === this.marker) {
          this.phase = 'markers';
          this.markers = 1;
        } else {
          this.phase = 'ended';
        }
        break;
      case 'markers':
        if (ch === this.marker) this.markers++;
        else this.phase = space && this.markers >= this.markerLength ? 'spaces' : 'ended';
        break;
      case 'spaces':
        if (!space) this.phase = 'ended';
        break;
      case 'ended':
        break;
    }
    return this.phase !== 'ended';
  }
}

function advanceColumns(columns: number, ch: string): number {
  return ch === '\t' ? columns + 4 - (columns % 4) : columns + 1;
}

function columnsOf(whitespace: string): number {
  let columns = 0;
  for (const ch of whitespace) columns = advanceColumns(columns, ch);
  return columns;
}

/** Takes up to `indent` columns of leading spaces and tabs off `line`; a tab that reaches past them leaves spaces. */
function stripIndent(line: string, indent: number): string {
  let columns = 0;
  let i = 0;
  while (i < line.length && columns < indent && (line[i] === ' ' || line[i] === '\t')) {
    columns = advanceColumns(columns, line[i]!);
    i++;
  }
  return ' '.repeat(Math.max(0, columns - indent)) + line.slice(i);
}
