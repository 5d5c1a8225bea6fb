import * as vscode from 'vscode';
import type { JobPlaceHandler } from '../jobs/jobs';
import { isInlineJob, locateJobCode } from './inlineJobs';
import type { InlineThreads } from './inlineThreads';

/** An inline thread's background answer: its thread is made again at its code (found after edits), or the chat takes it. */
export function inlineJobPlace(threads: InlineThreads): JobPlaceHandler {
  return {
    resume: (job) => (isInlineJob(job) ? threads.resumeJob(job) : Promise.resolve(false)),
    open: async (job) => {
      if (!isInlineJob(job)) return false;
      const session = threads.forJob(job.id);
      const found = session?.range ? { uri: session.uri, range: session.range } : await locateJobCode(job).then((at) => at && { uri: at.document.uri, range: at.range });
      if (!found) return false;
      const editor = await vscode.window.showTextDocument(found.uri, { preview: false });
      editor.revealRange(found.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      if (session) session.thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      return true;
    },
    isShown: (job) => isInlineJob(job) && vscode.window.visibleTextEditors.some((editor) => editor.document.uri.toString() === job.place.uri),
  };
}
