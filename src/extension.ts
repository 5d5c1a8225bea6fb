import * as vscode from 'vscode';
import { readSettings, onDidChangeSettings } from './vscode/config';
import { createLogger } from './vscode/log';
import { Notifier } from './vscode/notify';
import { ReasonerRequestRunner } from './vscode/requestRunner';
import { ApiKeyStore } from './vscode/secrets';
import type { Services } from './vscode/services';
import { ModelStatusBar } from './vscode/statusBar';
import { registerCancelAll } from './vscode/commands/cancelAll';
import { registerClearApiKey } from './vscode/commands/clearApiKey';
import { registerSelectModel } from './vscode/commands/selectModel';
import { registerSelectReasoningEffort } from './vscode/commands/selectReasoningEffort';
import { registerSetApiKey } from './vscode/commands/setApiKey';
import { registerShowLog } from './vscode/commands/showLog';

const NOT_BUILT_YET = [
  'reasoner.explainSelection', 'reasoner.ask', 'reasoner.findBugs', 'reasoner.writeTests', 'reasoner.refactor',
  'reasoner.runPrompt', 'reasoner.openChat', 'reasoner.newChat', 'reasoner.addSelectionToChat',
];

/** What the extension returns from activate(): for tests and other extensions. */
export interface ReasonerApi {
  readonly services: Services;
  readonly statusBar: ModelStatusBar;
}

export function activate(context: vscode.ExtensionContext): ReasonerApi {
  const logChannel = vscode.window.createOutputChannel('Reasoner', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const log = createLogger(logChannel, (text) => keys.redact(text));
  const notifier = new Notifier();
  const runner = new ReasonerRequestRunner(keys, log, notifier);
  const services: Services = { context, keys, log, logChannel, notifier, runner };
  const statusBar = new ModelStatusBar();
  context.subscriptions.push(logChannel, keys, runner, statusBar);

  const reportSettingProblems = () => {
    const settings = readSettings();
    for (const problem of settings.modelProblems) log.warn(problem);
    if (!settings.baseUrl.ok) log.error(settings.baseUrl.message);
  };
  reportSettingProblems();
  context.subscriptions.push(onDidChangeSettings(reportSettingProblems));

  context.subscriptions.push(
    registerSetApiKey(services),
    registerClearApiKey(services),
    registerSelectModel(services),
    registerSelectReasoningEffort(services),
    registerShowLog(services),
    registerCancelAll(services),
  );

  for (const command of NOT_BUILT_YET) {
    context.subscriptions.push(vscode.commands.registerCommand(command, async () => {
      void vscode.window.showInformationMessage(`Reasoner: ${command} is not built yet.`);
      return undefined;
    }));
  }
  context.subscriptions.push(vscode.window.registerWebviewViewProvider('reasoner.chat', {
    resolveWebviewView(view) { view.webview.html = '<!doctype html><p>Reasoner chat is not built yet.</p><textarea aria-label="Message Reasoner"></textarea>'; },
  }));
  return { services, statusBar };
}

export function deactivate(): void {}
