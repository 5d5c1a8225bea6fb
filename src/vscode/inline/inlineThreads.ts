import * as vscode from 'vscode';
import { plainMessage } from '../../core/common/plainMessage';
import type { TaskKind } from '../../core/common/prompts';
import type { CodeContext } from '../../core/common/types';
import { Disposable } from '../lifecycle';
import type { SettingsReader } from '../config';
import type { RequestRunner } from '../runner';
import { InlineSession } from './inlineSession';
import { locateJobCode, type InlineJob } from './inlineJobs';
import { followChanges } from './threadAnchor';

/**
 * The comment controller "Reasoner" and its sessions. Keeps threads attached
 * to their code when lines change above them, and keeps answers for the life
 * of the window (closing an editor does not dispose its threads).
 */
export class InlineThreads extends Disposable {
  readonly controller = this.register(vscode.comments.createCommentController('reasoner', 'Reasoner'));
  private readonly sessionsById = new Map<string, InlineSession>();
  private nextId = 1;

  constructor(private readonly runner: RequestRunner, private readonly settings: SettingsReader) {
    super();
    this.controller.options = { placeHolder: 'Ask a follow-up…', prompt: 'Reply to Reasoner' };
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.followEdits(event)));
    this.register({ dispose: () => { for (const session of this.sessions) session.dispose(); } });
  }

  get sessions(): readonly InlineSession[] {
    return [...this.sessionsById.values()];
  }

  /** The session for a thread given by a menu (CommentThread) or by id (command links); none once dismissed. */
  find(target: unknown): InlineSession | undefined {
    if (typeof target === 'string') return this.sessionsById.get(target);
    if (target && typeof target === 'object') {
      const thread = (target as { thread?: vscode.CommentThread }).thread ?? target;
      // A comment's toolbar passes the comment itself.
      return this.sessions.find((session) => session.thread === thread || session.thread.comments.includes(target as vscode.Comment));
    }
    return undefined;
  }

  /** Opens a thread at `range` and asks the first question in it. */
  start(task: TaskKind, uri: vscode.Uri, range: vscode.Range, question: string, context: readonly CodeContext[], modelId?: string): { session: InlineSession; answer: Promise<string | undefined> } {
    const { session, anchor } = this.open(task, uri, range, modelId);
    const answer = session.ask(question, context);
    this.bringIntoView(uri, anchor.end.line, answer);
    const where = `${vscode.workspace.asRelativePath(uri, false)}:${anchor.end.line + 1}`;
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(comment-discussion) Reasoner is answering below {0}. Alt+F9 goes to the thread.', plainMessage(where)), answer);
    return { session, answer };
  }

  /** The thread polling or showing background job `id`. */
  forJob(id: string): InlineSession | undefined {
    return this.sessions.find((session) => session.jobId === id);
  }

  /**
   * Fetches a background answer an earlier window started into a thread at its code (found again
   * after edits). Resolves to false when the file or the code is gone; otherwise once the answer ended.
   */
  async resumeJob(job: InlineJob): Promise<boolean> {
    const existing = this.forJob(job.id);
    if (existing) return existing.resumeJob(job);
    const found = await locateJobCode(job);
    if (!found) return false;
    const { session } = this.open(job.place.task as TaskKind, found.document.uri, found.range, job.modelId);
    return session.resumeJob(job);
  }

  private open(task: TaskKind, uri: vscode.Uri, range: vscode.Range, modelId: string | undefined): { session: InlineSession; anchor: vscode.Range } {
    const anchor = new vscode.Range(range.start.line, 0, range.end.line, 0);
    const thread = this.controller.createCommentThread(uri, anchor, []);
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    const session = new InlineSession(`thread-${this.nextId++}`, thread, task, this.runner, this.settings, modelId, (s) => this.sessionsById.delete(s.id));
    this.sessionsById.set(session.id, session);
    return { session, anchor };
  }

  /**
   * A thread whose answer would start below what the editor shows goes unseen (explaining a
   * whole file puts it after the last line): scroll its line to the top, so that the answer
   * under it is on screen, not only its header. Once more when the answer ends, if the thread
   * is still on screen but its answer is not.
   */
  private bringIntoView(uri: vscode.Uri, line: number, answer: Promise<unknown>): void {
    const editorOf = () => vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.toString() === uri.toString());
    const showsLine = (editor: vscode.TextEditor, below: number) =>
      editor.visibleRanges.some((range) => range.start.line <= line && line + below <= range.end.line);
    const revealAnswer = (editor: vscode.TextEditor) => {
      const shown = editor.visibleRanges.reduce((lines, range) => lines + range.end.line - range.start.line + 1, 0);
      // The zone under the line holds the question and the answer's first lines: about half a screen.
      if (!showsLine(editor, Math.max(8, Math.floor(shown / 2)))) editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
    };
    const editor = editorOf();
    if (!editor) return;
    revealAnswer(editor);
    void answer.then(() => {
      const now = editorOf();
      if (now && showsLine(now, 0)) revealAnswer(now);
    });
  }

  private followEdits(event: vscode.TextDocumentChangeEvent): void {
    const uri = event.document.uri.toString();
    for (const session of this.sessions) {
      const range = session.range;
      if (!range || session.uri.toString() !== uri) continue;
      const moved = followChanges(range, event.contentChanges);
      if (!moved.isEqual(range)) session.thread.range = moved;
    }
  }
}
