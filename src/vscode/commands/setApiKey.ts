import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { checkApiKey, GATEWAY_KEYS_PAGE } from '../../core/common/endpoint';
import type { Services } from '../services';

/**
 * reasoner.setApiKey [key]: stores the key in SecretStorage. Without an
 * argument it asks in a password box. A key passed as an argument (another
 * extension, a script) never silently replaces a different stored key: the
 * password box opens with it, and only Enter stores it. Resolves to 'set' or
 * undefined.
 */
export function registerSetApiKey(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.setApiKey, async (argument?: unknown): Promise<string | undefined> => {
    const passed = typeof argument === 'string' ? checkApiKey(argument) : undefined;
    let raw: string | undefined;
    if (passed && !passed.ok) {
      raw = argument as string;
    } else if (passed?.ok && await storedKeyAllowsReplacement(services, passed.key)) {
      raw = passed.key;
    } else {
      raw = await vscode.window.showInputBox({
        title: passed ? vscode.l10n.t('Reasoner: Replace the Stored API Key?') : vscode.l10n.t('Reasoner: Set API Key'),
        prompt: passed
          ? vscode.l10n.t('Something asked Reasoner to replace your stored AI/ML API key with the key in this box. Enter stores it; Escape keeps your key.')
          : vscode.l10n.t('Your AI/ML API key ({0}). It is kept in VS Code\'s secret storage, never in settings.', GATEWAY_KEYS_PAGE),
        password: true,
        ignoreFocusOut: !passed,
        placeHolder: vscode.l10n.t('Paste your key'),
        ...(passed?.ok ? { value: passed.key } : {}),
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
    void vscode.window.setStatusBarMessage(vscode.l10n.t('$(key) Reasoner: API key saved'), 3000);
    return 'set';
  });
}

/** A passed key may be stored without asking only when no other key is stored (or it is the same key). */
async function storedKeyAllowsReplacement(services: Services, key: string): Promise<boolean> {
  const stored = await services.keys.get().catch(() => undefined);
  return stored === undefined || stored === key;
}
