/**
 * Model text made safe for VS Code's own Markdown surfaces (comment threads,
 * hovers, the Chat view), which fetch images, render tags and follow links:
 *
 * - the text is parsed by markdown-it, the renderer that defines the syntax, and
 *   written out again from its tokens: headings, lists, quotes, tables, emphasis,
 *   code and web links keep their form, and every other piece of the answer is
 *   written as escaped text, so nothing in it can form syntax of its own;
 * - raw HTML is text (`<` is escaped);
 * - an image becomes a plain link to its address (`!` and a link), so nothing is
 *   fetched without a click; an image or link to anything but http(s) or mailto
 *   (`command:`, `vscode:`, `data:`, relative or entity-encoded look-alikes) is text;
 * - reference definitions are text, so no line later in an answer changes what
 *   an earlier one shows (which also lets an answer be converted as it streams).
 *
 * Foreign text: linear in its length (markdown-it's own limits), never throws.
 */
import type MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { createMarkdownParser } from './markdownParser';

let parser: MarkdownIt | undefined;

function markdownParser(): MarkdownIt {
  parser ??= createMarkdownParser();
  return parser;
}

/** The block separator of the text this module writes. */
export const BLOCK_SEPARATOR = '\n\n';

export function inertMarkdown(text: string): string {
  const source = normalizeNewlines(text);
  const lines = source.split('\n');
  const siblings: Siblings = { listMarker: undefined };
  return topLevelBlocks(parseBlocks(source)).map((block) => writeTopLevel(block, lines, siblings)).filter((block) => block !== '').join(BLOCK_SEPARATOR);
}

/** Line endings as markdown-it reads them (`\r\n` and `\r` are newlines, NUL is U+FFFD). */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
}

export function parseBlocks(source: string): Token[] {
  return markdownParser().parse(source, {});
}

/** One block at the top of the document: its tokens, and the source lines it spans. */
export interface TopLevelBlock {
  readonly tokens: readonly Token[];
  readonly startLine: number;
  readonly endLine: number;
}

export function topLevelBlocks(tokens: readonly Token[]): TopLevelBlock[] {
  const blocks: TopLevelBlock[] = [];
  let depth = 0;
  let start = 0;
  tokens.forEach((token, index) => {
    if (depth === 0) start = index;
    depth += token.nesting;
    if (depth === 0) {
      const map = tokens[start]!.map ?? [0, 0];
      blocks.push({ tokens: tokens.slice(start, index + 1), startLine: map[0], endLine: map[1] });
    }
  });
  return blocks;
}

/** The marker of the list written last among a block's children, if the last child was a list. */
export interface Siblings {
  listMarker: string | undefined;
}

/**
 * A fence at the top of the document has its content written line by line, so that a
 * stream can hand it on as it arrives: each line as markdown-it read it, or as written in
 * the source where that reading would close the fence (it did not close it there).
 */
export function writeTopLevel(block: TopLevelBlock, lines: readonly string[], siblings: Siblings): string {
  const first = block.tokens[0]!;
  if (first.type !== 'fence') return writeSibling(block.tokens, siblings);
  siblings.listMarker = undefined;
  return `${fenceOpener(first)}\n${fenceContent(first, lines.slice(block.startLine + 1))}${first.markup}`;
}

/** Whether markdown-it found the fence's closing line (its map then spans one line more than its content). */
export function isClosedFence(fence: Token): boolean {
  const [start, end] = fence.map ?? [0, 0];
  return end - start - contentLines(fence).length === 2;
}

export function fenceOpener(fence: Token): string {
  return `${fence.markup}${languageOf(fence.info)}`;
}

/** The fence's content lines, each ending in a newline; `sourceLines` are the source lines from its first content line on. */
export function fenceContent(fence: Token, sourceLines: readonly string[]): string {
  return writeFenceLines(fence.markup, contentLines(fence), sourceLines);
}

export function writeFenceLines(markup: string, lines: readonly string[], sourceLines: readonly string[]): string {
  return lines.map((line, index) => `${closesFence(markup, line) ? sourceLines[index] ?? '' : line}\n`).join('');
}

export function contentLines(fence: Token): string[] {
  if (fence.content === '') return [];
  const lines = fence.content.split('\n');
  if (fence.content.endsWith('\n')) lines.pop();
  return lines;
}

/** Whether `line` closes a fence opened with `markup` (only a line of at most three spaces and a fence character can). */
function closesFence(markup: string, line: string): boolean {
  if (!/^ {0,3}[`~]/.test(line)) return false;
  const [token] = parseBlocks(`${markup}\n${line}\n`);
  return token?.type === 'fence' && isClosedFence(token);
}

function languageOf(info: string): string {
  const word = info.trim().split(/\s+/)[0] ?? '';
  return /^[\w+#.-]{1,40}$/.test(word) ? word : '';
}

/** Blocks written from their tokens; `tight` joins siblings with one newline, as in a tight list item. */
function writeBlocks(tokens: readonly Token[], tight: boolean): string {
  const out: string[] = [];
  const siblings: Siblings = { listMarker: undefined };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const close = token.nesting === 1 ? closingIndex(tokens, i) : i;
    out.push(writeSibling(tokens.slice(i, close + 1), siblings));
    i = close;
  }
  return out.filter((block) => block !== '').join(tight ? '\n' : BLOCK_SEPARATOR);
}

function closingIndex(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    depth += tokens[i]!.nesting;
    if (depth === 0) return i;
  }
  return tokens.length - 1;
}

const OTHER_MARKER: Readonly<Record<string, string>> = { '-': '*', '*': '-', '+': '-', '.': ')', ')': '.' };

/**
 * A block among siblings. markdown-it ends a list and begins another with the same marker in
 * a few cases (an empty item and blank lines); written alike they would read as one list, so
 * the second takes the other marker.
 */
function writeSibling(tokens: readonly Token[], siblings: Siblings): string {
  const first = tokens[0]!;
  if (first.type !== 'bullet_list_open' && first.type !== 'ordered_list_open') {
    siblings.listMarker = undefined;
    return writeBlock(tokens);
  }
  const marker = first.markup === siblings.listMarker ? OTHER_MARKER[first.markup] ?? first.markup : first.markup;
  siblings.listMarker = marker;
  return writeList(tokens.slice(1, -1), marker);
}

/** One block: `tokens` is an opening token, its content and its closing token, or one leaf token. */
function writeBlock(tokens: readonly Token[]): string {
  const first = tokens[0]!;
  const inner = tokens.slice(1, -1);
  switch (first.type) {
    case 'paragraph_open':
      return writeInline(inner[0]?.children ?? []);
    case 'heading_open':
      // One line, whatever its source: a `---` underline would read as a table's delimiter row after a line with `|`.
      return `${'#'.repeat(Number(first.tag.slice(1)))} ${writeInline(inner[0]?.children ?? [], { singleLine: true })}`;
    case 'blockquote_open':
      return prefixLines(writeBlocks(inner, false), '> ', '>');
    case 'table_open':
      return writeTable(inner);
    case 'fence':
    case 'code_block':
      return writeCode(first.content, first.type === 'fence' ? first.markup[0]! : '`', first.type === 'fence' ? first.info : '');
    case 'hr':
      // Not `***` or `---`: after a `*` or `-` item marker those would read as a rule of their own.
      return '___';
    case 'inline':
      return writeInline(first.children ?? []);
    default:
      return escapeText(first.content, true);
  }
}

function writeList(tokens: readonly Token[], markup: string): string {
  const items: { marker: string; body: readonly Token[] }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i]!;
    const close = closingIndex(tokens, i);
    const marker = `${open.info}${markup}`;
    items.push({ marker, body: tokens.slice(i + 1, close) });
    i = close;
  }
  const tight = tokens.every((token) => token.type !== 'paragraph_open' || token.hidden || token.level > tokens[0]!.level + 1);
  return items.map(({ marker, body }) => {
    const content = writeBlocks(body, tight);
    if (content === '') return marker;
    const indent = ' '.repeat(marker.length + 1);
    return `${marker} ${prefixLines(content, indent, '').slice(indent.length)}`;
  }).join(tight ? '\n' : BLOCK_SEPARATOR);
}

function writeTable(tokens: readonly Token[]): string {
  const rows: string[][] = [];
  const aligns: string[] = [];
  let row: string[] = [];
  for (const token of tokens) {
    if (token.type === 'tr_open') row = [];
    else if (token.type === 'tr_close') rows.push(row);
    else if (token.type === 'th_open') aligns.push(/text-align:(\w+)/.exec(token.attrGet('style') ?? '')?.[1] ?? '');
    else if (token.type === 'inline') row.push(writeInline(token.children ?? [], { inTable: true, singleLine: true }));
  }
  const delimiter = aligns.map((align) => align === 'left' ? ':--' : align === 'right' ? '--:' : align === 'center' ? ':-:' : '---');
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(delimiter), ...body.map(line)].join('\n');
}

/** Code as a fence longer than any run of its marker that starts one of its lines, so no line of it can close the fence. */
function writeCode(content: string, markerChar: string, info: string): string {
  let longest = 2;
  for (const match of content.matchAll(markerChar === '`' ? /^ {0,3}(`+)/gm : /^ {0,3}(~+)/gm)) longest = Math.max(longest, match[1]!.length);
  const fence = markerChar.repeat(longest + 1);
  const body = content === '' || content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${languageOf(info)}\n${body}${fence}`;
}

function prefixLines(text: string, prefix: string, emptyPrefix: string): string {
  return text.split('\n').map((line) => (line === '' ? emptyPrefix : prefix + line)).join('\n');
}

/** Where inline text is written: table cells escape `|` in code too; headings and cells are one line; link text holds no other link. */
interface InlineContext {
  readonly inTable: boolean;
  readonly singleLine: boolean;
  readonly inLink: boolean;
}

function writeInline(tokens: readonly Token[], options: Partial<InlineContext> = {}): string {
  return writeInlineTokens(tokens, { inTable: false, singleLine: false, inLink: false, ...options });
}

function writeInlineTokens(tokens: readonly Token[], context: InlineContext): string {
  let out = '';
  let lineStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let piece: string;
    switch (token.type) {
      case 'text':
        piece = escapeText(token.content, lineStart);
        break;
      case 'softbreak':
        piece = context.singleLine ? ' ' : '\n';
        break;
      case 'hardbreak':
        piece = context.singleLine ? ' ' : '\\\n';
        break;
      case 'code_inline':
        piece = writeCodeSpan(context.inTable ? token.content.replaceAll('|', '\\|') : token.content);
        break;
      case 'em_open': case 'em_close': case 'strong_open': case 'strong_close': case 's_open': case 's_close':
        piece = token.markup;
        break;
      case 'link_open': {
        const close = closingIndex(tokens, i);
        piece = writeLink(token, tokens.slice(i + 1, close), context);
        i = close;
        break;
      }
      case 'image':
        piece = writeImage(token, context);
        break;
      default:
        piece = escapeText(token.content, lineStart);
    }
    if (piece === '') continue;
    out += piece;
    lineStart = piece.endsWith('\n');
  }
  return out;
}

function writeLink(open: Token, children: readonly Token[], context: InlineContext): string {
  const href = open.attrGet('href') ?? '';
  const text = writeInlineTokens(children, { ...context, inLink: true });
  if (!context.inLink && isWebAddress(href)) {
    const title = open.attrGet('title');
    return `[${text}](<${escapeDestination(href)}>${title ? ` "${escapeText(title, false)}"` : ''})`;
  }
  const label = children.map((child) => child.content).join('');
  return label === href || label === href.replace(/^mailto:/, '') ? text : `${text} (${escapeText(href, false)})`;
}

/** An image is never drawn: a web address becomes a link after a `!`, anything else text. */
function writeImage(image: Token, context: InlineContext): string {
  const src = image.attrGet('src') ?? '';
  const alt = writeInlineTokens(image.children ?? [], { ...context, inLink: true });
  if (!context.inLink && isWebAddress(src)) return `\\![${alt}](<${escapeDestination(src)}>)`;
  return `\\!\\[${alt}\\]\\(${escapeText(src, false)}\\)`;
}

/** markdown-it hands on destinations with entities and escapes decoded, so the scheme read here is the one a renderer follows. */
function isWebAddress(href: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(href);
}

function escapeDestination(href: string): string {
  return href.replace(/[\\<>\n]/g, (char) => (char === '\n' ? '%0A' : `\\${char}`));
}

/** Text we did not write, placed in Markdown we did: it shows as itself and forms no syntax (newlines stay). */
export function inertText(text: string): string {
  return escapeText(text, true);
}

/** Text shown as code in Markdown we write: a backtick run longer than any inside it, so nothing in it ends the span. */
export function inertCodeSpan(text: string): string {
  return writeCodeSpan(text.replace(/\n/g, ' '));
}

function writeCodeSpan(content: string): string {
  let longest = 0;
  for (const match of content.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  const ticks = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || /^ [^]* $/.test(content) ? ' ' : '';
  return `${ticks}${pad}${content}${pad}${ticks}`;
}

/** Characters that make syntax wherever they stand. */
const ALWAYS_ESCAPED = /[\\`*~[\]<|$]/;

/**
 * Text written so that it shows as itself and forms no syntax: markup characters are
 * escaped, and those that make syntax only at a line's start (`#`, `>`, `-`, `+`, `=`, `:`,
 * `1.`) or before something (`!` before a link, `&` before a name, `_` next to a
 * non-letter, `#` after a blank) are escaped there.
 */
function escapeText(text: string, atLineStart: boolean): string {
  let out = '';
  let lineStart = atLineStart;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\n') {
      out += char;
      lineStart = true;
      continue;
    }
    if (lineStart && (char === ' ' || char === '\t')) {
      out += char;
      continue;
    }
    const previous = i > 0 ? text[i - 1]! : '';
    const next = text[i + 1] ?? '';
    let escape = ALWAYS_ESCAPED.test(char);
    if (char === '_') escape = !(isWordChar(previous) && isWordChar(next));
    else if (char === '!') escape = next === '' || next === '[';
    else if (char === '&') escape = /[#A-Za-z]/.test(next);
    else if (char === '#') escape = lineStart || previous === ' ' || previous === '\t';
    else if (char === '>' || char === '-' || char === '+' || char === '=' || char === ':') escape = lineStart || startsBareAddress(text, i);
    else if (char === '.') escape = startsBareAddress(text, i);
    else if (lineStart && /\d/.test(char)) {
      const digits = /^\d{1,9}[.)]/.exec(text.slice(i, i + 10));
      if (digits) {
        out += `${digits[0].slice(0, -1)}\\${digits[0].slice(-1)}`;
        i += digits[0].length - 1;
        lineStart = false;
        continue;
      }
    }
    out += escape ? `\\${char}` : char;
    lineStart = false;
  }
  return out;
}

/**
 * VS Code's renderer (marked, GFM) turns text from `http://`, `ftp://` or `www.` on, even
 * inside a word, into a link that runs to the next blank or `<` over any escape or syntax
 * that follows; escaping the `:` or `.` keeps such text text. (Web addresses markdown-it
 * recognizes are links already.)
 */
function startsBareAddress(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 5), index);
  return text[index] === ':' ? /(?:https?|ftp)$/i.test(before) : /www$/i.test(before);
}

function isWordChar(char: string): boolean {
  return char !== '' && /[\p{L}\p{N}]/u.test(char);
}
