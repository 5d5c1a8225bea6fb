import * as vscode from 'vscode';
import { autoTitle, formatElapsed } from '../core/common/conversation';
import { ERROR_ACTION_TITLES } from '../core/common/errorPresenter';
import { FenceStripper, INSTRUCTIONS, type TaskKind } from '../core/common/prompts';
import type { CodeContext } from '../core/common/types';
import { DisposableStore } from './lifecycle';
import { errorActions, type NotificationAction } from './notify';
import type { RunResult } from './runner';
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
const PROGRESS_INTERVAL_MS = 1000;

/**
 * Streams an answer into a new untitled document, appending as it arrives,
 * with a cancellable progress notification showing elapsed time. Resolves to
 * the document's text, or undefined when cancelled or failed (the partial text
 * stays in the document and the notification says it is incomplete). Never
 * rejects: if the document cannot be written to, the request is stopped and
 * the notification offers what was received.
 */
export async function streamToNewDocument(services: Services, task: DocumentTask): Promise<string | undefined> {
  const abort = new AbortController();
  const output = new StreamedDocument(task.languageId, () => abort.abort());
  const stripper = task.stripFence ? new FenceStripper() : undefined;
  const timers = new DisposableStore();
  try {
    timers.add(every(FLUSH_INTERVAL_MS, () => void output.flush()));
    // The question holds the file name and the selection: the notifier shows it literally.
    const result = await services.notifier.withProgress('Reasoner', async (report, token) => {
      const started = Date.now();
      const listeners = timers.add(new DisposableStore());
      listeners.add(token.onCancellationRequested(() => abort.abort()));
      listeners.add(every(PROGRESS_INTERVAL_MS, () => report(`${task.question} ${formatElapsed(Date.now() - started)}`)));
      report(task.question);
      try {
        return await services.runner.run({
          source: task.source,
          instructions: INSTRUCTIONS[task.task],
          turns: [{ role: 'user', text: task.question, context: task.context }],
          signal: abort.signal,
          retry: () => streamToNewDocument(services, task),
          job: { place: { kind: 'palette', question: task.question }, about: autoTitle(task.question) },
          ...(task.modelId ? { modelId: task.modelId } : {}),
          onEvent: (event) => {
            if (event.type === 'text') output.append(stripper ? stripper.push(event.delta) : event.delta);
          },
        });
      } finally {
        listeners.dispose();
      }
    });
    timers.clear();
    if (stripper) output.append(stripper.end());
    await output.flush();
    return report(services, task, result, output);
  } finally {
    timers.dispose();
  }
}

/** Tells the user how the answer ended; resolves to the document's text when it is complete. */
function report(services: Services, task: DocumentTask, result: RunResult, output: StreamedDocument): string | undefined {
  const retry = () => streamToNewDocument(services, task);
  if (output.failure !== undefined) {
    const kept = output.keepsText ? ' What was written stays in the document.' : '';
    const received = output.received;
    const actions: NotificationAction[] = [{ title: ERROR_ACTION_TITLES.retry, run: retry }];
    if (received) actions.unshift({ title: 'Copy Answer', run: () => vscode.env.clipboard.writeText(received) });
    services.notifier.show('error', `Reasoner: the answer could not be written to the document (${output.failure}), so the request was stopped.${kept}${
      received ? ' Copy Answer puts everything received so far on the clipboard.' : ''}`, actions);
    return undefined;
  }
  if (result.error) {
    const partial = output.keepsText ? ' The partial text is kept in the document.' : '';
    const message = result.error.kind === 'cancelled' ? `Reasoner: cancelled.${partial}` : `Reasoner: ${result.error.userMessage}${partial}`;
    if (!result.errorNotified) services.notifier.show(result.error.kind === 'cancelled' ? 'info' : 'error', message, errorActions(result.error, retry));
    return undefined;
  }
  if (result.notice) services.notifier.show('warning', `Reasoner: ${result.notice}`);
  return output.text;
}

function every(ms: number, run: () => void): vscode.Disposable {
  const timer = setInterval(run, ms);
  return { dispose: () => clearInterval(timer) };
}

/**
 * The untitled document an answer streams into, opened with the first text so
 * that a request failing at once leaves no empty tab behind. Writes run one
 * after another; the first that fails (the user closed the document, VS Code
 * refused the edit) is kept in `failure`, reported once through `onFailure`,
 * and nothing more is written.
 */
class StreamedDocument {
  private document: vscode.TextDocument | undefined;
  private pending = '';
  private writing: Promise<void> = Promise.resolve();
  private writtenChars = 0;
  /** Everything appended, written or not. */
  received = '';
  /** Why writing stopped, in words for the user. */
  failure: string | undefined;

  constructor(private readonly languageId: string, private readonly onFailure: () => void) {}

  /** True when the document is open and holds some of the answer. */
  get keepsText(): boolean {
    return this.writtenChars > 0 && this.document !== undefined && !this.document.isClosed;
  }

  get text(): string {
    return this.document?.getText() ?? '';
  }

  append(text: string): void {
    this.pending += text;
    this.received += text;
  }

  /** Queues what was appended since the last flush; resolves when every queued write is done. Never rejects. */
  flush(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    if (text && this.failure === undefined) {
      this.writing = this.writing.then(() => this.write(text)).catch((thrown: unknown) => this.fail(thrown));
    }
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    if (this.failure !== undefined) return;
    const target = this.document ?? await this.open();
    // An edit to a closed untitled document would bring it back unseen.
    if (target.isClosed) throw new Error('the document was closed');
    // A workspace edit works even when the user has moved to another editor meanwhile.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(target.uri, target.lineAt(target.lineCount - 1).range.end, text);
    if (!await vscode.workspace.applyEdit(edit)) throw new Error('VS Code refused the edit');
    this.writtenChars += text.length;
  }

  private async open(): Promise<vscode.TextDocument> {
    this.document = await vscode.workspace.openTextDocument({ language: this.languageId, content: '' });
    await vscode.window.showTextDocument(this.document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return this.document;
  }

  private fail(thrown: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = thrown instanceof Error ? thrown.message : String(thrown);
    this.onFailure();
  }
}
