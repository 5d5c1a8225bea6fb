import * as vscode from 'vscode';
import { GATEWAY_BILLING_PAGE, GATEWAY_KEYS_PAGE } from '../core/common/endpoint';
import type { ApiError, ErrorAction } from '../core/common/errors';

export interface NotificationAction {
  readonly title: string;
  readonly run: () => unknown;
}

export interface ShownNotification {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly actions: readonly string[];
}

/**
 * Notifications that never hold anyone up: the call returns at once and each
 * action button starts its own work when clicked. What was shown is kept
 * (last 20) so that tests and the log can tell what the user saw.
 */
export class Notifier {
  private readonly recent: ShownNotification[] = [];

  get shown(): readonly ShownNotification[] {
    return this.recent;
  }

  show(severity: ShownNotification['severity'], message: string, actions: readonly NotificationAction[] = []): void {
    this.recent.push({ severity, message, actions: actions.map((action) => action.title) });
    if (this.recent.length > 20) this.recent.shift();
    const titles = actions.map((action) => action.title);
    const shown = severity === 'error'
      ? vscode.window.showErrorMessage(message, ...titles)
      : severity === 'warning'
        ? vscode.window.showWarningMessage(message, ...titles)
        : vscode.window.showInformationMessage(message, ...titles);
    void Promise.resolve(shown).then((picked) => actions.find((action) => action.title === picked)?.run());
  }
}

export const ERROR_ACTION_TITLES: Record<ErrorAction, string> = {
  setApiKey: 'Set API Key',
  retry: 'Retry',
  switchModel: 'Switch Model',
  openLog: 'Open Log',
  openBilling: 'Open Billing',
  openSettings: 'Open Settings',
  lowerEffort: 'Lower Effort',
};

/**
 * The buttons an error offers, wired to what they do. `retry` is the caller's
 * fresh attempt with the same input; after Set API Key and Switch Model the
 * same attempt runs again, so nothing the user typed is lost.
 */
export function errorActions(error: ApiError, retry?: () => unknown): NotificationAction[] {
  const actions: NotificationAction[] = [];
  const thenRetry = (command: string, ...args: unknown[]) => async () => {
    const result = await vscode.commands.executeCommand(command, ...args);
    if (result !== undefined && retry) retry();
  };
  const kinds = new Set<ErrorAction>(error.actions);
  if (error.kind === 'no-key' || error.kind === 'auth') kinds.add('setApiKey');
  for (const kind of kinds) {
    switch (kind) {
      case 'setApiKey':
        actions.push({ title: ERROR_ACTION_TITLES.setApiKey, run: thenRetry('reasoner.setApiKey') });
        if (error.kind === 'no-key') actions.push({ title: 'Get a Key', run: () => vscode.env.openExternal(vscode.Uri.parse(GATEWAY_KEYS_PAGE)) });
        break;
      case 'retry':
        if (retry) actions.push({ title: ERROR_ACTION_TITLES.retry, run: retry });
        break;
      case 'switchModel':
        actions.push({ title: ERROR_ACTION_TITLES.switchModel, run: thenRetry('reasoner.selectModel') });
        break;
      case 'lowerEffort':
        actions.push({ title: ERROR_ACTION_TITLES.lowerEffort, run: thenRetry('reasoner.selectReasoningEffort') });
        break;
      case 'openLog':
        actions.push({ title: ERROR_ACTION_TITLES.openLog, run: () => vscode.commands.executeCommand('reasoner.showLog') });
        break;
      case 'openBilling':
        actions.push({ title: ERROR_ACTION_TITLES.openBilling, run: () => vscode.env.openExternal(vscode.Uri.parse(GATEWAY_BILLING_PAGE)) });
        break;
      case 'openSettings':
        actions.push({ title: ERROR_ACTION_TITLES.openSettings, run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'reasoner.') });
        break;
      default: {
        const unknownAction: never = kind;
        void unknownAction;
      }
    }
  }
  return actions;
}
