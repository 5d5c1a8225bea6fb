/**
 * Precise context: the definitions the code sent uses, found by the editor's
 * language providers, ranked, deduplicated and cut to a token budget. Pure:
 * the host finds the candidates (src/vscode/context/), this decides what goes.
 */
import { contextLabel } from './conversation';
import { inertCodeSpan } from './inertMarkdown';
import type { CodeContext } from './types';

/** A definition the code uses, with where it was found. Lines are 1-based and inclusive. */
export interface DefinitionCandidate {
  /** Identifies the file (a URI string); never shown. */
  readonly uri: string;
  /** Workspace-relative path, shown and sent. */
  readonly fileName: string;
  readonly languageId: string;
  readonly symbol: string;
  readonly code: string;
  readonly startLine: number;
  readonly endLine: number;
  /** 0: the file the code is in; 1: another file of the workspace; 2: a type declaration outside it. */
  readonly tier: 0 | 1 | 2;
  /** How many folders apart its file is from the code's file (0 in the same folder). */
  readonly folderDistance: number;
  /** Where in the code sent the symbol is first used (character offset). */
  readonly firstUse: number;
}

export interface ContextSelection {
  /** What goes along, in the order it is sent. */
  readonly chosen: readonly DefinitionCandidate[];
  /** Those left out because the budget was spent. */
  readonly overBudget: readonly DefinitionCandidate[];
  /** Estimated tokens of what goes along. */
  readonly tokens: number;
}

/** The budget used when the setting says "auto": a slice of the model's window, within sane bounds. */
export const AUTO_BUDGET_SHARE = 0.05;
export const AUTO_BUDGET_MIN = 1_000;
export const AUTO_BUDGET_MAX = 8_000;

/** `reasoner.context.maxTokens`: a number (0 turns context off), or null / absent for a share of the model's window. */
export function contextBudget(setting: unknown, contextWindow: number): number {
  if (typeof setting === 'number' && Number.isFinite(setting) && setting >= 0) return Math.floor(setting);
  return Math.round(Math.min(AUTO_BUDGET_MAX, Math.max(AUTO_BUDGET_MIN, contextWindow * AUTO_BUDGET_SHARE)));
}

/** A cheap estimate (about four characters a token for code), rounded up; the header line counts too. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** What a definition costs as sent: its code plus its heading. */
export function definitionTokens(candidate: DefinitionCandidate): number {
  return estimateTokens(candidate.code) + estimateTokens(definitionHeading(definitionContext(candidate))) + 4;
}

/** How many folders separate two workspace-relative paths. */
export function folderDistance(from: string, to: string): number {
  const a = from.split(/[\\/]/).slice(0, -1);
  const b = to.split(/[\\/]/).slice(0, -1);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return a.length - common + (b.length - common);
}

function contains(outer: DefinitionCandidate, inner: DefinitionCandidate): boolean {
  return outer.uri === inner.uri && outer.startLine <= inner.startLine && inner.endLine <= outer.endLine;
}

/**
 * Nearest first: the code's own file, then the workspace by folder distance,
 * then type declarations; within a rank, in the order the code uses them.
 */
export function compareCandidates(a: DefinitionCandidate, b: DefinitionCandidate): number {
  return a.tier - b.tier || a.folderDistance - b.folderDistance || a.firstUse - b.firstUse
    || a.fileName.localeCompare(b.fileName) || a.startLine - b.startLine;
}

/**
 * One entry per piece of code: the same range found through several symbols
 * is kept once (at its earliest use), and a definition inside another one
 * that goes along (a member of a class that is sent whole) is dropped.
 */
export function dedupe(candidates: readonly DefinitionCandidate[]): DefinitionCandidate[] {
  const byRange = new Map<string, DefinitionCandidate>();
  for (const candidate of candidates) {
    const key = `${candidate.uri}#${candidate.startLine}-${candidate.endLine}`;
    const seen = byRange.get(key);
    if (!seen || candidate.firstUse < seen.firstUse) byRange.set(key, candidate);
  }
  const unique = [...byRange.values()];
  return unique.filter((candidate) => !unique.some((other) => other !== candidate && contains(other, candidate)
    && (other.startLine !== candidate.startLine || other.endLine !== candidate.endLine)));
}

/** Ranks, deduplicates and keeps what fits in `maxTokens` (a definition too large is skipped, smaller ones after it still go). */
export function selectDefinitions(candidates: readonly DefinitionCandidate[], maxTokens: number): ContextSelection {
  const ranked = dedupe(candidates).sort(compareCandidates);
  const chosen: DefinitionCandidate[] = [];
  const overBudget: DefinitionCandidate[] = [];
  let tokens = 0;
  for (const candidate of ranked) {
    const cost = definitionTokens(candidate);
    if (tokens + cost <= maxTokens) {
      chosen.push(candidate);
      tokens += cost;
    } else {
      overBudget.push(candidate);
    }
  }
  return { chosen, overBudget, tokens };
}

/** A definition as code attached to a turn (it travels, renders and is stored like any other). */
export function definitionContext(candidate: DefinitionCandidate): CodeContext {
  return {
    fileName: candidate.fileName,
    languageId: candidate.languageId,
    code: candidate.code,
    startLine: candidate.startLine,
    endLine: candidate.endLine,
    symbol: candidate.symbol,
  };
}

export function isDefinition(context: CodeContext): boolean {
  return context.symbol !== undefined;
}

/**
 * What went along, as a surface shows it: `*Definitions sent along:* \`model.ts:2-5 · Cart\` · …`
 * (empty when none did). Inert: file and symbol names are text we did not write.
 */
export function definitionsSentMarkdown(contexts: readonly CodeContext[]): string {
  const definitions = contexts.filter(isDefinition);
  return definitions.length > 0 ? `*Definitions sent along:* ${definitions.map((item) => inertCodeSpan(contextLabel(item))).join(' · ')}` : '';
}

/** Said once before the definitions of a turn, so that the model knows what they are and can cite them. */
export const DEFINITIONS_INTRO = 'Definitions the code above uses, from elsewhere in the workspace (each headed by its path and line range; cite them by path and line):';

/** `Definition of \`total\`: \`src/cart.ts\`, lines 3–9 (typescript)` */
export function definitionHeading(context: CodeContext): string {
  const start = context.startLine ?? 1;
  const end = context.endLine ?? start;
  const lines = start === end ? `line ${start}` : `lines ${start}–${end}`;
  const language = context.languageId.trim();
  return `Definition of ${inlineCode(context.symbol ?? '')}: ${inlineCode(context.fileName)}, ${lines}${language ? ` (${language})` : ''}`;
}

/** A Markdown code span that no backtick inside can close. */
function inlineCode(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** The summary the request log gets: `2 definitions, ~140 tokens, 38 ms (1 over budget, time limit reached)`. */
export function contextLogLine(count: number, tokens: number, elapsedMs: number, notes: { overBudget?: number; timedOut?: boolean; left?: number } = {}): string {
  const extra: string[] = [];
  if (notes.left) extra.push(`${notes.left} left out by the user`);
  if (notes.overBudget) extra.push(`${notes.overBudget} over budget`);
  if (notes.timedOut) extra.push('time limit reached');
  return `${count} definition${count === 1 ? '' : 's'}, ~${tokens} tokens, ${Math.round(elapsedMs)} ms${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

const KEYWORDS = new Set([
  'abstract', 'and', 'as', 'async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'def', 'default', 'defer', 'del',
  'do', 'elif', 'else', 'enum', 'except', 'export', 'extends', 'false', 'finally', 'fn', 'for', 'from', 'func', 'function', 'go', 'if',
  'implements', 'import', 'in', 'instanceof', 'interface', 'is', 'let', 'match', 'mut', 'new', 'nil', 'none', 'None', 'not', 'null',
  'of', 'or', 'package', 'pass', 'private', 'protected', 'pub', 'public', 'raise', 'readonly', 'return', 'self', 'static', 'struct',
  'super', 'switch', 'this', 'throw', 'true', 'True', 'False', 'try', 'type', 'typeof', 'undefined', 'use', 'var', 'void', 'while',
  'with', 'yield', 'string', 'number', 'boolean', 'any', 'unknown', 'never', 'int', 'float', 'bool', 'str',
]);

/**
 * Where each name in `code` is first used, in order: the positions the
 * definition provider is asked about. Keywords and names shorter than two
 * characters are skipped; at most `limit` names.
 */
export function identifierUses(code: string, limit = 80): { readonly name: string; readonly offset: number }[] {
  const seen = new Set<string>();
  const uses: { name: string; offset: number }[] = [];
  for (const match of code.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const name = match[0];
    if (name.length < 2 || KEYWORDS.has(name) || seen.has(name)) continue;
    const before = match.index > 0 ? code[match.index - 1] : '';
    if (before && /[0-9]/.test(before)) continue;
    seen.add(name);
    uses.push({ name, offset: match.index });
    if (uses.length >= limit) break;
  }
  return uses;
}
