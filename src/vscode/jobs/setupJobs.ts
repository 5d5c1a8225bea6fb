import * as vscode from 'vscode';
import { JobStore } from '../../core/node/jobStore';
import type { ChatViewProvider } from '../chat/chatViewProvider';
import type { Comparisons } from '../compare/comparisons';
import { chatJobPlace } from '../chat/chatJobs';
import { registerCancelJob } from '../commands/jobs/cancelJob';
import { registerForgetJob } from '../commands/jobs/forgetJob';
import { registerOpenJob } from '../commands/jobs/openJob';
import { registerShowJobs } from '../commands/jobs/showJobs';
import { inlineJobPlace } from '../inline/inlineJobPlace';
import type { InlineThreads } from '../inline/inlineThreads';
import type { Services } from '../services';
import { chatFallbackPlace } from './jobFallback';
import { Jobs } from './jobs';
import { JobsView } from './jobsView';

/**
 * Background answers for this window: the shared job list in global storage, the places answers
 * land in, the Jobs view and its commands. Jobs no window polls are taken over once the chat's
 * history is open (a chat turn's answer needs its conversation).
 */
/** Where answers land: chat turns, inline threads, Compare Models columns; and a chat turn waiting for a job the list lost is taken up when it shows. */
export function placeJobs(jobs: Jobs, chat: ChatViewProvider, inline: InlineThreads, comparisons: Comparisons): vscode.Disposable[] {
  return [
    jobs.setPlace('chat', chatJobPlace(chat)),
    jobs.setPlace('inline', inlineJobPlace(inline)),
    jobs.setPlace('compare', comparisons),
    chat.model.onDidChange((change) => {
      const conversation = chat.model.getActiveConversation();
      if (change.kind === 'active' && conversation) void jobs.adoptWaitingTurns(conversation);
    }),
  ];
}

export function setupJobs(services: Services, chat: ChatViewProvider): { jobs: Jobs; view: JobsView; disposable: vscode.Disposable } {
  const { context, log, notifier, runner, inline, keys, comparisons } = services;
  const store = new JobStore(vscode.Uri.joinPath(context.globalStorageUri, 'jobs', 'jobs.json').fsPath, log, (movedTo, why) => {
    notifier.show('warning', vscode.l10n.t(
      'Reasoner could not read its list of background answers ({0}) and moved it aside to {1}. A chat turn still waiting for its answer fetches it when you open its conversation.',
      why, movedTo));
  });
  // A job stopped by a rejected key goes on once a key is set.
  const jobs = new Jobs(store, runner, notifier, log, chatFallbackPlace(runner, chat), { keyChanged: keys.onDidChange });
  const view = new JobsView(jobs);
  const disposables = [
    jobs, view, ...placeJobs(jobs, chat, inline, comparisons),
    registerShowJobs(), registerOpenJob(jobs), registerCancelJob(jobs), registerForgetJob(jobs),
  ];
  void chat.model.ready.then(() => jobs.start());
  return { jobs, view, disposable: vscode.Disposable.from(...disposables) };
}
