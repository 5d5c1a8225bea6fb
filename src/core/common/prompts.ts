/**
 * What Reasoner asks the model for each task, and the expansion of users'
 * prompt templates. Plain text: the code itself travels as a CodeContext.
 */

export type TaskKind = 'explain' | 'ask' | 'findBugs' | 'writeTests' | 'refactor' | 'custom' | 'chat' | 'explainProblem';

const BASE = 'You are a senior software engineer helping a colleague inside their editor. Be precise and concrete; refer to identifiers and line numbers from the code you are given. Use Markdown; put code in fenced blocks with a language tag.';

export const INSTRUCTIONS: Record<TaskKind, string> = {
  explain: `${BASE} Explain the selected code the way a senior colleague would: what it does, how it does it, why it is written this way, and anything surprising (edge cases, performance, hidden assumptions). Start with a one-sentence summary. Be concise; skip what is obvious.`,
  ask: `${BASE} Answer the question about the given code directly. If the answer depends on code you cannot see, say what you would need.`,
  findBugs: `${BASE} Review the selected code for bugs and risks (logic errors, edge cases, error handling, concurrency, security, resource leaks). List each finding as a bullet that starts with "Line N:" (the line number in the file), a severity (high, medium, low), the problem, and a fix. If you find nothing significant, say so plainly. Do not restate the code.`,
  writeTests: `${BASE} Write thorough, runnable unit tests for the selected code, in the same language, using the test framework most common for that language and the conventions visible in the code. Cover normal cases, edge cases and errors. Reply with the test file's source code only: no prose before or after, no Markdown fences.`,
  refactor: `${BASE} Rewrite the selected code as asked, keeping its behaviour unless the request says otherwise, and keeping the indentation of the original. Reply with a single fenced code block containing only the replacement for the selection, then at most three short bullets on what changed.`,
  explainProblem: `${BASE} The editor reports a problem (its message, severity, source and code are given) in the code shown. Explain in plain words what the problem means here and why it happens, naming the exact identifiers and lines; be brief. Then end your answer with a heading "### Suggested fix" followed by exactly one fenced code block: the complete replacement for the selected lines, all of them in order, with their original indentation, so that it can replace the selection as it is. Inside that block: no line numbers, no "..." or other elisions, no diff markers, nothing from the context lines outside the selection. If the fix also needs a change outside the selected lines, say so in one sentence before the heading. If the selected lines cannot fix the problem, or the code is right and the tool is wrong, say so and leave out the heading and the code block. Do not use that heading anywhere else.`,
  custom: BASE,
  chat: `${BASE} You are Reasoner, an assistant in VS Code. When you propose code changes, show complete code blocks that can be applied directly.`,
};

export const DEFAULT_REFACTOR_REQUEST = 'Improve readability';

export const TASK_QUESTIONS = {
  explain: 'Explain this code.',
  findBugs: 'Find bugs and risks in this code.',
  writeTests: 'Write tests for this code.',
} as const;

export interface TemplateValues {
  readonly selection: string;
  readonly language: string;
  readonly fileName: string;
  readonly input?: string;
}

export function templateUsesInput(template: string): boolean {
  return template.includes('${input}');
}

/** Replaces ${selection}, ${language}, ${fileName} and ${input}; other ${...} are left as they are. */
export function expandTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\$\{(selection|language|fileName|input)\}/g, (_match, name: keyof TemplateValues) => values[name] ?? '');
}

/** Built-in examples for Run Custom Prompt (documented in docs/features.md). */
export const BUILT_IN_TEMPLATES = [
  {
    name: 'Explain for a newcomer',
    description: 'Explains the selection for someone new to the codebase and the language.',
    prompt: 'Explain this ${language} code from ${fileName} to someone new to the codebase and to ${language}. Define any idiom you use.\n\n${selection}',
    output: 'inline',
  },
  {
    name: 'Add documentation comments',
    description: 'Returns the selection with doc comments, in a new document.',
    prompt: 'Add documentation comments in the idiomatic style for ${language} to this code from ${fileName}. Reply with the code only.\n\n${selection}',
    output: 'document',
  },
  {
    name: 'Security review',
    description: 'Looks for security problems; answer in the chat.',
    prompt: 'Review this ${language} code from ${fileName} for security problems (injection, unsafe input handling, secrets, authz). Focus: ${input}\n\n${selection}',
    output: 'chat',
  },
] as const;

/**
 * The code in a model's answer: the first fenced block if there is one,
 * else the whole answer. Used by refactor and write-tests.
 */
export function extractCode(answer: string): string {
  // A scan over lines, not a regular expression: many unclosed fences made the old pattern quadratic.
  const lines = answer.split('\n');
  const opening = lines.findIndex((line) => line.startsWith('```') || line.startsWith('~~~'));
  if (opening >= 0) {
    const marker = lines[opening]!.slice(0, 3);
    for (let closing = opening + 1; closing < lines.length; closing++) {
      const line = lines[closing]!;
      if (line.startsWith(marker) && line.slice(3).trim() === '') return lines.slice(opening + 1, closing).join('\n');
    }
  }
  return answer.trim();
}

/**
 * Drops a Markdown fence around streamed code, line by line: the first line is
 * held until it is known whether it opens a fence; when the fence closes,
 * whatever follows (prose) is dropped.
 */
export class FenceStripper {
  private pending = '';
  /** `pending` holds only blanks so far: kept up to date per delta, so no long line is scanned again and again. */
  private pendingBlank = true;
  private state: 'start' | 'plain' | 'fenced' | 'closed' = 'start';

  /** Feeds a delta; returns the text that can be shown now. */
  push(delta: string): string {
    let out = '';
    if (delta.includes('\n')) {
      this.pending += delta;
      let newline: number;
      while ((newline = this.pending.indexOf('\n')) >= 0) {
        const line = this.pending.slice(0, newline + 1);
        this.pending = this.pending.slice(newline + 1);
        out += this.line(line);
      }
      this.pendingBlank = /^\s*$/.test(this.pending);
    } else {
      // `pending` never holds a newline between calls, so only the delta needs looking at.
      this.pending += delta;
      this.pendingBlank &&= /^\s*$/.test(delta);
    }
    // A partial line can be shown at once unless it could still become a fence (at most 3 spaces of indent in Markdown).
    const couldBeFence = this.pending.length <= 8 && /^\s*(`{1,3}|~{1,3})$/.test(this.pending);
    if (this.state === 'plain' || (this.state === 'fenced' && this.pending !== '' && !couldBeFence && !this.pendingBlank)) {
      out += this.pending;
      this.pending = '';
      this.pendingBlank = true;
    }
    return out;
  }

  /** The rest, without a closing fence. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    this.pendingBlank = true;
    return rest === '' ? '' : this.line(rest);
  }

  private line(line: string): string {
    const isFence = /^\s*(```|~~~)/.test(line);
    switch (this.state) {
      case 'start':
        if (line.trim() === '') return '';
        if (isFence) { this.state = 'fenced'; return ''; }
        this.state = 'plain';
        return line;
      case 'fenced':
        if (isFence) { this.state = 'closed'; return ''; }
        return line;
      case 'closed':
        return '';
      case 'plain':
        return line;
    }
  }
}
