import * as vscode from 'vscode';
import { SpendLedger } from './core/node/ledger';
import type { ChatModel } from './vscode/chat/chatModel';
import { ChatViewProvider } from './vscode/chat/chatViewProvider';
import { ComparisonStore } from './core/node/comparisonStore';
import { Comparisons } from './vscode/compare/comparisons';
import { cachedSettingsReader, onDidChangeSettings } from './vscode/config';
import { DiffPreview } from './vscode/diff/diffPreview';
import { InlineThreads } from './vscode/inline/inlineThreads';
import { createLogger } from './vscode/log';
import { Notifier } from './vscode/notify';
import { ReasonerRequestRunner } from './vscode/requestRunner';
import { ApiKeyStore } from './vscode/secrets';
import { SpendTracker } from './vscode/spend';
import { WalkthroughProgress } from './vscode/walkthrough';
import { LM_VENDOR, ReasonerChatModelProvider } from './vscode/lm/chatModelProvider';
import { ReasonerParticipant } from './vscode/lm/participant';
import type { Services } from './vscode/services';
import { DefinitionContext } from './vscode/context/definitionContext';
import { ModelStatusBar } from './vscode/statusBar';
import type { Jobs } from './vscode/jobs/jobs';
import type { JobsView } from './vscode/jobs/jobsView';
import { setupJobs } from './vscode/jobs/setupJobs';
import { registerAddSelectionToChat } from './vscode/commands/addSelectionToChat';
import { registerAsk } from './vscode/commands/ask';
import { registerCancelAll } from './vscode/commands/cancelAll';
import { registerCheckConnection } from './vscode/commands/checkConnection';
import { registerClearApiKey } from './vscode/commands/clearApiKey';
import { registerCompareModels } from './vscode/commands/compareModels';
import { registerExplainProblem } from './vscode/commands/explainProblem';
import { registerExplainSelection } from './vscode/commands/explainSelection';
import { registerFindBugs } from './vscode/commands/findBugs';
import { registerNewChat } from './vscode/commands/newChat';
import { registerOpenChat } from './vscode/commands/openChat';
import { registerRefactor } from './vscode/commands/refactor';
import { registerRefactorApply } from './vscode/commands/refactorApply';
import { registerRefactorDiscard } from './vscode/commands/refactorDiscard';
import { registerReviewProposal } from './vscode/commands/reviewProposal';
import { registerRunPrompt } from './vscode/commands/runPrompt';
import { registerSelectModel } from './vscode/commands/selectModel';
import { registerSelectReasoningEffort } from './vscode/commands/selectReasoningEffort';
import { registerSetApiKey } from './vscode/commands/setApiKey';
import { registerShowLog } from './vscode/commands/showLog';
import { registerShowUsage } from './vscode/commands/showUsage';
import { registerWriteTests } from './vscode/commands/writeTests';
import { registerThreadAskAnotherModel } from './vscode/commands/inline/threadAskAnotherModel';
import { registerThreadCancel } from './vscode/commands/inline/threadCancel';
import { registerThreadCopyAnswer } from './vscode/commands/inline/threadCopyAnswer';
import { registerThreadOpenAnswer } from './vscode/commands/inline/threadOpenAnswer';
import { registerThreadDismiss } from './vscode/commands/inline/threadDismiss';
import { registerThreadOpenInChat } from './vscode/commands/inline/threadOpenInChat';
import { registerThreadReply } from './vscode/commands/inline/threadReply';
import { registerThreadRetry } from './vscode/commands/inline/threadRetry';
import { registerThreadShowReasoning } from './vscode/commands/inline/threadShowReasoning';
import { registerThreadHideReasoning } from './vscode/commands/inline/threadHideReasoning';

/** What activate() returns: for tests and other extensions. */
export interface ReasonerApi {
  readonly services: Services;
  readonly statusBar: ModelStatusBar;
  /** The chat's state: its conversations, the one open, what runs. */
  readonly chat: ChatModel;
  /** @reasoner in VS Code's Chat view. */
  readonly participant: ReasonerParticipant;
  /** Background answers of every window, and their view. */
  readonly jobs: Jobs;
  readonly jobsView: JobsView;
}

/** The running extension's runner and jobs, for deactivate(). */
let activeRunner: ReasonerRequestRunner | undefined;
let activeJobs: Jobs | undefined;

export function activate(context: vscode.ExtensionContext): ReasonerApi {
  const activationStarted = performance.now();
  const settings = cachedSettingsReader();
  context.subscriptions.push(settings);
  const logChannel = vscode.window.createOutputChannel('Reasoner', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const log = createLogger(logChannel, (text) => keys.redact(text));
  const notifier = new Notifier();
  const spend = new SpendTracker(new SpendLedger(vscode.Uri.joinPath(context.globalStorageUri, 'usage', 'ledger.json').fsPath, log), notifier, log);
  const runner = new ReasonerRequestRunner(settings, keys, log, notifier, spend);
  activeRunner = runner;
  const inline = new InlineThreads(runner, settings);
  const proposals = new DiffPreview();
  const walkthrough = new WalkthroughProgress(keys, context.secrets);
  const definitions = new DefinitionContext(log, settings);
  const chat = new ChatViewProvider({
    extensionUri: context.extensionUri,
    storageDir: vscode.Uri.joinPath(context.globalStorageUri, 'chat').fsPath,
    runner,
    getModels: () => settings.current().models,
    getCurrent: () => {
      const { modelId, effort } = settings.current();
      return { modelId, effort };
    },
    log,
    onDidChangeModels: onDidChangeSettings,
    diffPreview: proposals,
    definitions,
  });
  const comparisons = new Comparisons({
    extensionUri: context.extensionUri, runner, settings, log, proposals, chat,
    store: new ComparisonStore(vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'compare', 'comparisons.json').fsPath, log),
  });
  const services: Services = { context, settings, keys, log, logChannel, notifier, runner, inline, proposals, spend, walkthrough, comparisons, definitions, chat };
  const statusBar = new ModelStatusBar(settings);
  context.subscriptions.push(logChannel, keys, runner, inline, proposals, statusBar, walkthrough, comparisons, comparisons.registerSerializer());

  const reportSettingProblems = () => {
    const { modelProblems, baseUrl } = settings.current();
    for (const problem of modelProblems) log.warn(problem);
    if (!baseUrl.ok) log.error(baseUrl.message);
  };
  reportSettingProblems();
  context.subscriptions.push(onDidChangeSettings(reportSettingProblems));

  for (const register of [
    registerSetApiKey, registerClearApiKey, registerSelectModel, registerSelectReasoningEffort, registerShowLog, registerCancelAll, registerCheckConnection, registerShowUsage,
    registerExplainSelection, registerAsk, registerFindBugs, registerWriteTests, registerRefactor, registerRefactorApply,
    registerRefactorDiscard, registerReviewProposal, registerRunPrompt, registerCompareModels, registerExplainProblem,
    registerThreadReply, registerThreadCancel, registerThreadRetry, registerThreadAskAnotherModel, registerThreadOpenInChat,
    registerThreadCopyAnswer, registerThreadOpenAnswer, registerThreadDismiss, registerThreadShowReasoning, registerThreadHideReasoning,
  ]) {
    context.subscriptions.push(register(services));
  }

  context.subscriptions.push(
    chat,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat, { webviewOptions: { retainContextWhenHidden: false } }),
    registerOpenChat(chat),
    registerNewChat(chat),
    registerAddSelectionToChat(chat),
  );
  // Background answers (o3-pro): kept across reloads, fetched into their places, listed in the Jobs view.
  const jobs = setupJobs(services, chat);
  activeJobs = jobs.jobs;
  context.subscriptions.push(jobs.disposable);
  // VS Code's own Chat: the models in its picker and for vscode.lm, and @reasoner.
  const participant = new ReasonerParticipant(runner, context.extensionUri, definitions);
  const languageModels = new ReasonerChatModelProvider(runner, keys, settings);
  context.subscriptions.push(participant, languageModels, vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, languageModels));
  // The benchmark (B4) reads this line; it is also a useful fact in a bug report.
  log.info(`Reasoner ${String(context.extension.packageJSON.version)} activated in ${(performance.now() - activationStarted).toFixed(1)} ms`);
  return { services, statusBar, chat: chat.model, participant, jobs: jobs.jobs, jobsView: jobs.view };
}

/**
 * Called when the window closes (or the extension is disabled). VS Code waits
 * for the promise: every request is cancelled, except that a background answer
 * kept as a job (o3-pro from Reasoner's own surfaces) goes on at the gateway
 * and is freed for the next window, which fetches it.
 */
export function deactivate(): Promise<void> {
  activeJobs?.closing();
  return activeRunner?.shutdown() ?? Promise.resolve();
}
