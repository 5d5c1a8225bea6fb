import * as vscode from 'vscode';
import { actionIdsFor, bindAction, ERROR_ACTION_TITLES, type PresentableError, type PresentedAction } from '../core/common/errorPresenter';
import { plainMessage } from '../core/common/plainMessage';

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
 * action button starts its own work when clicked. Messages carry foreign text
 * (the gateway's words, file names, model ids), so every message, button and
 * progress line goes through plainMessage. What was shown is kept (last 20) so
 * that tests and the log can tell what the user saw.
 */
export class Notifier {
  private readonly recent: ShownNotification[] = [];

  get shown(): readonly ShownNotification[] {
    return this.recent;
  }

  show(severity: ShownNotification['severity'], text: string, actions: readonly NotificationAction[] = []): void {
    const message = plainMessage(text);
    const titles = actions.map((action) => plainMessage(action.title));
    this.recent.push({ severity, message, actions: titles });
    if (this.recent.length > 20) this.recent.shift();
    const shown = severity === 'error'
      ? vscode.window.showErrorMessage(message, ...titles)
      : severity === 'warning'
        ? vscode.window.showWarningMessage(message, ...titles)
        : vscode.window.showInformationMessage(message, ...titles);
    void Promise.resolve(shown).then((picked) => (picked === undefined ? undefined : actions[titles.indexOf(picked)]?.run()));
  }

  /** A cancellable progress notification; `report` shows a line of progress under the title. */
  withProgress<T>(title: string, task: (report: (message: string) => void, token: vscode.CancellationToken) => Thenable<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: plainMessage(title), cancellable: true }, (progress, token) =>
      task((message) => progress.report({ message: plainMessage(message) }), token));
  }
}

/** Runs a presented action; when it asks for it and the command produced something, the request runs again. */
export async function runPresentedAction(action: PresentedAction, retry?: () => unknown): Promise<unknown> {
  const result = await vscode.commands.executeCommand(action.command, ...action.args);
  if (action.thenRetry && result !== undefined && retry) retry();
  return result;
}

/**
 * The error presenter's actions as notification buttons. `retry` is the
 * caller's fresh attempt with the same input; after Set API Key or Switch
 * Model it runs again, so nothing the user typed is lost.
 */
export function errorActions(error: PresentableError, retry?: () => unknown): NotificationAction[] {
  // A notification's Retry is the caller's own callback rather than a command.
  return actionIdsFor(error, retry !== undefined).map((id) => id === 'retry'
    ? { title: ERROR_ACTION_TITLES.retry, run: () => retry?.() }
    : { title: ERROR_ACTION_TITLES[id], run: () => runPresentedAction(bindAction(id), retry) });
}
