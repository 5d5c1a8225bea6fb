import * as vscode from 'vscode';
import { formatElapsed } from '../core/common/conversation';
import { FenceStripper, INSTRUCTIONS, type TaskKind } from '../core/common/prompts';
import type { CodeContext } from '../core/common/types';
import { errorActions } from './notify';
import type { Services } from './services';

export interface DocumentTask {
  readonly task: TaskKind;
  readonly source: string;
  readonly question: string;
  readonly context: readonly CodeContext[];
  /** Language of the new document. */
  readonly languageId: string;
  /** Code documents drop a Markdown fence around the answer; prose documents keep it. */
  readonly stripFence: boolean;
  readonly modelId?: string;
}

const FLUSH_INTERVAL_MS = 100;

/**
 * Streams an answer into a new untitled document, appending as it arrives,
 * with a cancellable progress notification showing elapsed time. Resolves to
 * the document's text, or undefined when cancelled or failed (the partial text
 * stays in the document and the notification says it is incomplete).
 */
export async function streamToNewDocument(services: Services, task: DocumentTask): Promise<string | undefined> {
  // The document opens with the first text, so a request that fails at once leaves no empty tab behind.
  let document: vscode.TextDocument | undefined;
  const open = async () => {
    document ??= await vscode.workspace.openTextDocument({ language: task.languageId, content: '' });
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return document;
  };
  const stripper = task.stripFence ? new FenceStripper() : undefined;
  let pending = '';
  let written = '';
  let writing: Promise<unknown> = Promise.resolve();
  const flush = () => {
    const text = pending;
    pending = '';
    if (!text) return writing;
    const first = written === '';
    written += text;
    writing = writing.then(async () => {
      const target = first ? await open() : document!;
      // A workspace edit works even when the user has moved to another editor meanwhile.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(target.uri, target.lineAt(target.lineCount - 1).range.end, text);
      await vscode.workspace.applyEdit(edit);
    });
    return writing;
  };
  const timer = setInterval(() => void flush(), FLUSH_INTERVAL_MS);

  const result = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: 'Reasoner',
    cancellable: true,
  }, async (progress, token) => {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    const started = Date.now();
    const tick = setInterval(() => progress.report({ message: `${task.question} ${formatElapsed(Date.now() - started)}` }), 1000);
    progress.report({ message: task.question });
    try {
      return await services.runner.run({
        source: task.source,
        instructions: INSTRUCTIONS[task.task],
        turns: [{ role: 'user', text: task.question, context: task.context }],
        signal: abort.signal,
        retry: () => streamToNewDocument(services, task),
        ...(task.modelId ? { modelId: task.modelId } : {}),
        onEvent: (event) => {
          if (event.type === 'text') pending += stripper ? stripper.push(event.delta) : event.delta;
        },
      });
    } finally {
      clearInterval(tick);
      cancel.dispose();
    }
  });
  clearInterval(timer);
  if (stripper) pending += stripper.end();
  await flush();

  if (result.error) {
    const partial = written ? ' The partial text is kept in the document.' : '';
    const message = result.error.kind === 'cancelled' ? `Reasoner: cancelled.${partial}` : `Reasoner: ${result.error.userMessage}${partial}`;
    if (!result.errorNotified) {
      services.notifier.show(result.error.kind === 'cancelled' ? 'info' : 'error', message, errorActions(result.error, () => streamToNewDocument(services, task)));
    }
    return undefined;
  }
  if (result.notice) services.notifier.show('warning', `Reasoner: ${result.notice}`);
  return document?.getText() ?? '';
}
