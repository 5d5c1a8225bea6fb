import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { findCode, type JobRecord } from '../../core/common/jobs';
import type { JobSubject } from '../runner';

export type InlineJob = JobRecord & { readonly place: { readonly kind: 'inline' } };

export function isInlineJob(job: JobRecord): job is InlineJob {
  return job.place.kind === 'inline';
}

export function hashCode(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const TASK_WORDS: Record<string, string> = {
  explain: 'Explain', ask: 'Ask', findBugs: 'Find Bugs', writeTests: 'Write Tests', refactor: 'Refactor',
  custom: 'Prompt', chat: 'Question', explainProblem: 'Explain Problem',
};

/** What an inline answer is about, for its background job: the file, its lines (found again by their hash), the question. */
export function inlineJobSubject(uri: vscode.Uri, range: vscode.Range, task: string, question: string): JobSubject | undefined {
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
  if (!document || range.end.line >= document.lineCount) return undefined;
  const lines = document.getText(new vscode.Range(range.start.line, 0, range.end.line, document.lineAt(range.end.line).text.length));
  const where = `${vscode.workspace.asRelativePath(uri, false)}:${range.start.line + 1}–${range.end.line + 1}`;
  return {
    place: {
      kind: 'inline', uri: uri.toString(), startLine: range.start.line, endLine: range.end.line,
      codeHash: hashCode(lines.split(/\r?\n/).join('\n')), task, question,
    },
    about: `${TASK_WORDS[task] ?? task} · ${where}`,
  };
}

/** Where the job's code is now in its file; undefined when the file or the code is gone. */
export async function locateJobCode(job: InlineJob): Promise<{ document: vscode.TextDocument; range: vscode.Range } | undefined> {
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(vscode.Uri.parse(job.place.uri, true));
  } catch {
    return undefined;
  }
  const found = findCode(document.getText().split(/\r?\n/), job.place, hashCode);
  return found ? { document, range: new vscode.Range(found.startLine, 0, found.endLine, 0) } : undefined;
}
