/**
 * Markdown for chat answers: markdown-it (raw HTML off, links http/https only,
 * images shown as links) with highlight.js on fenced code, and an incremental
 * renderer for streamed answers.
 *
 * This module only produces HTML strings; it has no DOM. Its output is NOT safe
 * to insert as is: the webview passes every string through DOMPurify
 * (src/webview/sanitize.ts) first.
 *
 * Incremental rendering: an answer is a list of top-level blocks. A block is
 * final once the next block has started on a complete line (and the line after
 * that start is complete too: a GFM table is only known by its second line).
 * Final blocks are rendered once and handed out as `committed`; only the
 * trailing blocks are parsed and rendered again on each update. The cost of a
 * token is thus bounded by the size of the open block, not the whole answer.
 * An open fenced block longer than OPEN_BLOCK_HIGHLIGHT_LIMIT is not parsed
 * again either: it is followed as text arrives (openFence.ts) and its new code
 * handed out escaped (`codeAppend`), so an update costs what arrived.
 * highlight.js runs on fenced code up to HIGHLIGHT_LIMIT, in a full render as
 * here, and on a block still open only up to OPEN_BLOCK_HIGHLIGHT_LIMIT; a block
 * whose language has not loaded yet is escaped and marked `highlight-pending`.
 * A reference definition (`[x]: https://…`) may change blocks before it: when
 * one becomes final, everything is rendered again once (`reset`). `finish()`
 * checks the result against a full render, so the final HTML always equals
 * `renderMarkdown(text)`.
 */
import MarkdownIt from 'markdown-it';
import { HIGHLIGHT_LIMIT, HIGHLIGHT_PENDING, type HighlightWork, OPEN_BLOCK_HIGHLIGHT_LIMIT, escapeHtml, highlightCode } from './highlight';
import { OpenFence } from './openFence';

type Token = MarkdownIt.Token;

/** Only web links are followed; anything else stays plain text. */
export function isSafeLink(url: string): boolean {
  return /^https?:\/\/[^\s]/i.test(url.trim());
}

/** Marks where a reference definition was, so the incremental renderer knows when it is final. */
const REFERENCE_MARKER = 'reasoner_reference';

function trackReferences(md: MarkdownIt): void {
  // The Ruler keeps its rules in `__rules__` (not in the typings); the stock rule is wrapped, not copied.
  const rules = (md.block.ruler as unknown as { __rules__?: { name: string; fn: MarkdownIt.ParserBlock.RuleBlock }[] }).__rules__;
  const fn = rules?.find((rule) => rule.name === 'reference')?.fn;
  if (!fn) return;
  md.block.ruler.at('reference', (state, startLine, endLine, silent) => {
    const env = state.env as { references?: Record<string, unknown> };
    const before = new Set(Object.keys(env.references ?? {}));
    const matched = fn(state, startLine, endLine, silent);
    if (matched && !silent) {
      const labels = Object.keys(env.references ?? {}).filter((label) => !before.has(label));
      const token = state.push(REFERENCE_MARKER, '', 0);
      token.map = [startLine, state.line];
      token.block = true;
      token.meta = { labels };
    }
    return matched;
  });
  md.renderer.rules[REFERENCE_MARKER] = () => '';
}

export function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    typographer: false,
    breaks: false,
  });
  md.validateLink = isSafeLink;
  // Images would load remote content (the CSP blocks it anyway): show them as links.
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (!token) return '';
    const src = token.attrGet('src') ?? '';
    const alt = self.renderInlineAsText(token.children ?? [], options, env) || src;
    return `<a href="${escapeHtml(src)}" class="image-link">${escapeHtml(`🖼 ${alt}`)}</a>`;
  };
  // Fenced code carries hljs' class so theme colours apply even without a language.
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env: RenderEnv, self) => {
    const limit = env.highlightLimit ?? HIGHLIGHT_LIMIT;
    const work: HighlightWork = { chars: 0 };
    const highlight = (code: string, language: string) => highlightCode(code, language, limit, work);
    const html = fence ? fence(tokens, idx, { ...options, highlight }, env, self) : self.renderToken(tokens, idx, options);
    if (env.highlightWork) {
      env.highlightWork.chars += work.chars;
      if (work.pending) env.highlightWork.pending = true;
    }
    const marker = work.pending ? ` ${HIGHLIGHT_PENDING}` : '';
    return html.replace(/^<pre><code( class="([^"]*)")?>/, (_m, _a: string | undefined, cls: string | undefined) => `<pre><code class="hljs${cls ? ` ${cls}` : ''}${marker}">`);
  };
  md.renderer.rules.code_block = (tokens, idx) => `<pre><code class="hljs">${escapeHtml(tokens[idx]?.content ?? '')}</code></pre>\n`;
  trackReferences(md);
  return md;
}

let shared: MarkdownIt | undefined;
export function sharedMarkdown(): MarkdownIt {
  shared ??= createMarkdown();
  return shared;
}

/** The whole text at once (history, finished answers). Not sanitized. */
export function renderMarkdown(text: string, md: MarkdownIt = sharedMarkdown()): string {
  return md.render(text);
}

export interface RenderUpdate {
  /** Everything shown so far must be discarded before applying this update. */
  readonly reset: boolean;
  /** HTML of blocks that are final: append it, it never changes. */
  readonly committed: string;
  /** HTML of the trailing blocks: replaces the previous tail (unless `codeAppend` is set). */
  readonly tail: string;
  /**
   * `committed` and `tail` block by block (top-level blocks; they join to the strings above), so that the
   * page can keep the nodes of a block whose HTML did not change since the last update.
   */
  readonly committedBlocks: readonly string[];
  readonly tailBlocks: readonly string[];
  /**
   * Set while the tail is a long open fenced block followed without parsing it again: the tail stays as
   * it is and this escaped code goes at the end of its `<code>` (`committed` and `tail` are empty).
   */
  readonly codeAppend?: string;
}

/** What markdown-it carries through a parse and a render (its `env`). */
export interface RenderEnv {
  references?: Record<string, unknown>;
  /** Fenced code longer than this is shown escaped, without highlight.js (default HIGHLIGHT_LIMIT). */
  highlightLimit?: number;
  highlightWork?: HighlightWork;
}

/** The tail when it is a long open fenced block: its code is escaped, never highlighted, and only grows. */
interface OpenCodeTail {
  readonly fence: OpenFence;
  /** The tail's HTML around the code: `<pre><code …>` and `</code></pre>\n`. */
  readonly before: string;
  readonly after: string;
  code: string;
}

const CODE_END = '</code></pre>\n';

/** Final blocks' HTML and where their text is in the source. */
interface CommittedPart {
  html: string;
  readonly start: number;
  readonly end: number;
}

export class IncrementalMarkdown {
  private source = '';
  private pendingCR = false;
  /** Offset in `source` where the uncommitted tail starts. */
  private offset = 0;
  private committedParts: CommittedPart[] = [];
  private committedRefs: Record<string, unknown> = {};
  private lastTail = '';
  private openCode: OpenCodeTail | undefined;
  /** Characters the last update parsed (for tests and benchmarks): shows how much work it did. */
  lastParsedLength = 0;
  /** Characters of code the last update handed to highlight.js (for tests and benchmarks). */
  lastHighlightedLength = 0;

  constructor(private readonly md: MarkdownIt = sharedMarkdown()) {}

  get text(): string {
    return this.source + (this.pendingCR ? '\n' : '');
  }

  /** The HTML of everything rendered so far (committed blocks and the tail). */
  get html(): string {
    const open = this.openCode;
    return this.committedParts.map((part) => part.html).join('') + (open ? open.before + open.code + open.after : this.lastTail);
  }

  append(delta: string): RenderUpdate {
    const text = delta.length > 0 ? this.normalize(delta) : '';
    this.source += text;
    return this.openCode ? this.followOpenCode(this.openCode, text) : this.update(false);
  }

  /** The text is complete: commit everything and make sure it equals a full render. */
  finish(): RenderUpdate {
    if (this.pendingCR) {
      this.source += '\n';
      this.pendingCR = false;
    }
    this.openCode = undefined;
    const update = this.update(true);
    this.highlightArrived();
    const full = this.md.render(this.source);
    if (this.html === full) return update;
    this.committedParts = [{ html: full, start: 0, end: this.source.length }];
    this.lastTail = '';
    this.offset = this.source.length;
    return { reset: true, committed: full, tail: '', committedBlocks: [full], tailBlocks: [] };
  }

  /**
   * Committed blocks whose code waited for its language are highlighted on the page once it arrives
   * (highlightPending): their HTML here is rendered again to say so. Without this, `finish()` found
   * the answer unlike a full render and drew all of it again at the end of every answer with code.
   */
  private highlightArrived(): void {
    for (const part of this.committedParts) {
      if (!part.html.includes(HIGHLIGHT_PENDING)) continue;
      const env: RenderEnv = { references: { ...this.committedRefs } };
      part.html = this.md.renderer.render(this.md.parse(this.source.slice(part.start, part.end), env), this.md.options, env);
    }
  }

  /** markdown-it normalizes line ends itself; doing it here keeps offsets and lines in step. */
  private normalize(delta: string): string {
    let text = (this.pendingCR ? '\r' : '') + delta;
    this.pendingCR = text.endsWith('\r');
    if (this.pendingCR) text = text.slice(0, -1);
    return text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
  }

  private update(final: boolean, resetting = false): RenderUpdate {
    const tail = this.source.slice(this.offset);
    const work: HighlightWork = { chars: 0 };
    this.lastParsedLength = tail.length;
    const env: RenderEnv = { references: { ...this.committedRefs }, highlightWork: work };
    const tokens = this.md.parse(tail, env);

    // Top-level blocks: their first token index and start line.
    const starts: { index: number; line: number }[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.level === 0 && token.nesting !== -1 && token.map) starts.push({ index: i, line: token.map[0] });
    }

    let cutIndex = 0;
    let cutLine = 0;
    if (final) {
      cutIndex = tokens.length;
    } else {
      const completeLines = countNewlines(tail);
      for (let k = starts.length - 1; k >= 1; k--) {
        const start = starts[k]!;
        if (start.line + 1 < completeLines) {
          cutIndex = start.index;
          cutLine = start.line;
          break;
        }
      }
    }

    const newLabels: string[] = [];
    for (let i = 0; i < cutIndex; i++) {
      const token = tokens[i]!;
      if (token.type === REFERENCE_MARKER) newLabels.push(...((token.meta as { labels: string[] }).labels));
    }
    if (newLabels.length > 0 && this.offset > 0 && !resetting) {
      // A definition became final after blocks that may use it: render everything again, once.
      this.offset = 0;
      this.committedParts = [];
      this.committedRefs = {};
      return { ...this.update(final, true), reset: true };
    }
    for (const label of newLabels) this.committedRefs[label] = env.references?.[label];

    const blockStarts = starts.map((start) => start.index);
    const committedBlocks = this.renderBlocks(tokens, blockStarts, 0, cutIndex, env);
    const committed = committedBlocks.join('');
    const restTokens = tokens.slice(cutIndex);
    this.openCode = final ? undefined : this.startOpenCode(restTokens, tail, env);
    const tailBlocks = this.openCode
      ? [this.openCode.before + this.openCode.code + this.openCode.after]
      : this.renderBlocks(tokens, blockStarts, cutIndex, tokens.length, { ...env, highlightLimit: OPEN_BLOCK_HIGHLIGHT_LIMIT });
    const rest = tailBlocks.join('');
    if (cutIndex > 0) {
      const start = this.offset;
      this.offset = final ? this.source.length : this.offset + lineOffset(tail, cutLine);
      this.committedParts.push({ html: committed, start, end: this.offset });
    }
    this.lastTail = rest;
    this.lastHighlightedLength = work.chars;
    return { reset: resetting, committed, tail: rest, committedBlocks, tailBlocks };
  }

  /**
   * The HTML of tokens[from, to) one top-level block at a time. Rendering a slice that begins at a
   * top-level block gives what rendering the whole gives there: a rule looks back only past a hidden
   * paragraph, which is never top-level.
   */
  private renderBlocks(tokens: Token[], starts: readonly number[], from: number, to: number, env: RenderEnv): string[] {
    const blocks: string[] = [];
    const bounds = starts.filter((index) => index > from && index < to);
    let begin = from;
    for (const end of [...bounds, to]) {
      if (end > begin) blocks.push(this.md.renderer.render(tokens.slice(begin, end), this.md.options, env));
      begin = end;
    }
    return blocks;
  }

  /**
   * Starts following the tail without parsing it when it is one open fenced block longer than
   * OPEN_BLOCK_HIGHLIGHT_LIMIT: from then on an update costs what arrived, not the size of the block.
   */
  private startOpenCode(rest: Token[], tail: string, env: RenderEnv): OpenCodeTail | undefined {
    const token = rest[0];
    if (rest.length !== 1 || token?.type !== 'fence' || !token.map || token.content.length <= OPEN_BLOCK_HIGHLIGHT_LIMIT) return undefined;
    const openingStart = lineOffset(tail, token.map[0]);
    const contentStart = lineOffset(tail, token.map[0] + 1);
    const fence = OpenFence.openedBy(tail.slice(openingStart, contentStart - 1), token.markup);
    const { code, closedAt } = fence.feed(tail.slice(contentStart));
    if (closedAt !== undefined || !token.content.startsWith(code)) return undefined;
    // The block's frame (`<pre><code class=…>`) comes from the same rule as in a full render.
    const content = token.content;
    token.content = '';
    // Its code is never highlighted while open: no language is loaded for it, no block marked pending.
    const empty = this.md.renderer.render([token], this.md.options, { ...env, highlightLimit: -1 });
    token.content = content;
    if (!empty.endsWith(CODE_END)) return undefined;
    return { fence, before: empty.slice(0, -CODE_END.length), after: CODE_END, code: escapeHtml(code) };
  }

  private followOpenCode(open: OpenCodeTail, text: string): RenderUpdate {
    this.lastParsedLength = text.length;
    this.lastHighlightedLength = 0;
    const { code, closedAt } = open.fence.feed(text);
    if (closedAt === undefined) {
      const escaped = escapeHtml(code);
      open.code += escaped;
      return { reset: false, committed: '', tail: '', committedBlocks: [], tailBlocks: [], codeAppend: escaped };
    }
    // The closing line ends the block for good, whatever follows: it is rendered whole, once, and committed.
    this.openCode = undefined;
    const end = this.source.length - text.length + closedAt;
    const block = this.renderClosedFence(this.source.slice(this.offset, end));
    if (block === undefined) return this.update(false);
    this.committedParts.push({ html: block.html, start: this.offset, end });
    this.offset = end;
    this.lastTail = '';
    const next = this.update(false);
    this.lastParsedLength += block.parsed;
    this.lastHighlightedLength += block.highlighted;
    return next.reset ? next : { ...next, committed: block.html + next.committed, committedBlocks: [block.html, ...next.committedBlocks] };
  }

  /** The HTML of `text`, a closed fenced block alone, as a full render shows it; undefined if it is not that. */
  private renderClosedFence(text: string): { html: string; parsed: number; highlighted: number } | undefined {
    const work: HighlightWork = { chars: 0 };
    const env: RenderEnv = { references: { ...this.committedRefs }, highlightWork: work };
    const tokens = this.md.parse(text, env);
    const token = tokens[0];
    if (tokens.length !== 1 || token?.type !== 'fence' || token.map?.[1] !== countNewlines(text)) return undefined;
    const html = this.md.renderer.render(tokens, this.md.options, env);
    return { html, parsed: text.length, highlighted: work.chars };
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset;
}

export type { Token };
