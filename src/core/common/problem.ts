/**
 * Explain This Problem: a problem the editor reports (a compiler error, a
 * linter warning) as the model is told about it, and the fix read back out of
 * its answer. The code travels as a CodeContext whose selected lines are the
 * region the fix replaces.
 */

export type ProblemSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface ProblemFacts {
  readonly message: string;
  readonly severity: ProblemSeverity;
  /** Who reports it: `ts`, `eslint`, `Pylance`… */
  readonly source?: string;
  /** The reporter's code for it: `2322`, `no-unused-vars`… */
  readonly code?: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** Other places the reporter points at, as `file:line: message`. */
  readonly related?: readonly string[];
}

/** Heading the model is asked to put the fix under. */
export const FIX_HEADING = 'Suggested fix';
/** Lines above and below the problem that the fix may rewrite. */
export const FIX_MARGIN_LINES = 3;
/** Lines shown around that region, read-only, so the model sees declarations and callers. */
export const PROBLEM_CONTEXT_LINES = 20;
/** Longest region a fix may replace. */
export const MAX_FIX_LINES = 120;
const MAX_RELATED = 5;
const MAX_MESSAGE_CHARS = 4_000;

const SEVERITY_WORD: Readonly<Record<ProblemSeverity, string>> = {
  error: 'Error', warning: 'Warning', information: 'Info', hint: 'Hint',
};

/** `Error ts(2322)`, the way the Problems panel names a problem. */
export function problemLabel(problem: ProblemFacts): string {
  const origin = problem.source ? ` ${problem.source}${problem.code ? `(${problem.code})` : ''}` : problem.code ? ` (${problem.code})` : '';
  return `${SEVERITY_WORD[problem.severity]}${origin}`;
}

/** The first line of the message, shortened: for titles and notifications. */
export function shortMessage(message: string, max = 60): string {
  const line = message.split('\n').map((l) => l.trim()).find((l) => l) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The question as sent and shown in the thread: the problem, where it is, and what is asked. */
export function problemQuestion(problem: ProblemFacts): string {
  const message = problem.message.length > MAX_MESSAGE_CHARS ? `${problem.message.slice(0, MAX_MESSAGE_CHARS)}…` : problem.message;
  const lines = [
    'Explain this problem and suggest a fix.',
    '',
    `${problemLabel(problem)} at line ${problem.line}, column ${problem.column}: ${message}`,
  ];
  for (const related of (problem.related ?? []).slice(0, MAX_RELATED)) lines.push(`Related: ${related}`);
  return lines.join('\n');
}

interface Fence {
  readonly marker: '`' | '~';
  readonly length: number;
  readonly info: string;
}

function openingFence(line: string): Fence | undefined {
  const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match) return undefined;
  const run = match[1]!;
  const info = match[2]!.trim();
  if (run[0] === '`' && info.includes('`')) return undefined;
  return { marker: run[0] as '`' | '~', length: run.length, info };
}

function closesFence(line: string, fence: Fence): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  return match !== null && match[1]![0] === fence.marker && match[1]!.length >= fence.length;
}

/** What a heading of the fix says once its Markdown is dropped: `## Suggested fix`, `**Suggested fix:**`, `Fix:`, `### Fixed code`… */
const HEADING_WORDS: ReadonlySet<string> = new Set(['suggested fix', 'proposed fix', 'fix', 'fixed code']);
const HEADING_MAX_CHARS = 80;

/**
 * Whether a line heads the fix. Plain string steps, no pattern with
 * neighbouring optional parts: one such pattern took minutes on a heading
 * followed by a few thousand spaces.
 */
function isFixHeading(line: string): boolean {
  if (line.length > HEADING_MAX_CHARS || line.startsWith('    ')) return false;
  const words = line.trim().replace(/^#{1,6}(?=\s)/, '').replace(/[*_:\s]+/g, ' ').trim().toLowerCase();
  return HEADING_WORDS.has(words);
}

/**
 * The replacement code under the fix heading: the first complete fenced block
 * after it. Undefined when there is no such heading, no closed block under it
 * (an answer cut off mid-block), or the block is a diff rather than code.
 * Code blocks elsewhere in the explanation are never taken for the fix.
 */
export function extractFix(answer: string): string | undefined {
  const lines = answer.split(/\r?\n/);
  let heading = -1;
  for (let i = 0; i < lines.length; i++) {
    if (isFixHeading(lines[i]!)) heading = i;
  }
  if (heading < 0) return undefined;
  for (let i = heading + 1; i < lines.length; i++) {
    const fence = openingFence(lines[i]!);
    if (!fence) continue;
    if (/^(diff|patch)\b/i.test(fence.info)) return undefined;
    for (let end = i + 1; end < lines.length; end++) {
      if (closesFence(lines[end]!, fence)) return lines.slice(i + 1, end).join('\n');
    }
    return undefined;
  }
  return undefined;
}

/** Equal but for trailing spaces and line endings: a "fix" like that changes nothing. */
export function sameCode(a: string, b: string): boolean {
  const normal = (text: string) => text.replace(/\r\n/g, '\n').split('\n').map((line) => line.trimEnd()).join('\n').trim();
  return normal(a) === normal(b);
}
