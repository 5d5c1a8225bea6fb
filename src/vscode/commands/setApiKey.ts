import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { checkApiKey, GATEWAY_KEYS_PAGE } from '../../core/common/endpoint';
import type { Services } from '../services';

/**
 * reasoner.setApiKey [key]: stores the key in SecretStorage. Without an
 * argument it asks in a password box. Resolves to 'set' or undefined.
 */
export function registerSetApiKey(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.setApiKey, async (argument?: unknown): Promise<string | undefined> => {
    let raw: string | undefined;
    if (typeof argument === 'string') {
      raw = argument;
    } else {
      raw = await vscode.window.showInputBox({
        title: 'Reasoner: Set API Key',
        prompt: `Your AI/ML API key (${GATEWAY_KEYS_PAGE}). It is kept in VS Code's secret storage, never in settings.`,
        password: true,
        ignoreFocusOut: true,
        placeHolder: 'Paste your key',
        validateInput: (value) => {
          const check = checkApiKey(value);
          return check.ok ? undefined : check.message;
        },
      });
      if (raw === undefined) return undefined;
    }
    const check = checkApiKey(raw);
    if (!check.ok) {
      services.notifier.show('error', `Reasoner: ${check.message}`);
      return undefined;
    }
    await services.keys.set(check.key);
    services.log.info('API key set (stored in SecretStorage).');
    void vscode.window.setStatusBarMessage('$(key) Reasoner: API key saved', 3000);
    return 'set';
  });
}
