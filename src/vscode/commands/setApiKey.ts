import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { checkApiKey, GATEWAY_KEYS_PAGE } from '../../core/common/endpoint';
import type { Services } from '../services';

/**
 * reasoner.setApiKey [key]: stores the key in SecretStorage. Without an
 * argument it asks in a password box. A key passed as an argument (another
 * extension, a script) never silently replaces a different stored key: the
 * password box opens with it, and only Enter stores it. When the stored key
 * cannot be read (a locked or missing keyring), a modal question decides.
 * Resolves to 'set' or undefined.
 */
export function registerSetApiKey(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.setApiKey, async (argument?: unknown): Promise<string | undefined> => {
    const passed = typeof argument === 'string' ? checkApiKey(argument) : undefined;
    let raw: string | undefined;
    const stored = passed?.ok ? await storedKeyComparedWith(services, passed.key) : undefined;
    if (passed && !passed.ok) {
      raw = argument as string;
    } else if (passed?.ok && (stored === 'none' || stored === 'same')) {
      raw = passed.key;
    } else if (passed?.ok && stored === 'unreadable') {
      if (!await confirmUnreadableReplacement()) return undefined;
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

/** How the stored key compares with a passed one: only 'none' and 'same' let it be stored without asking. */
async function storedKeyComparedWith(services: Services, key: string): Promise<'none' | 'same' | 'different' | 'unreadable'> {
  try {
    const stored = await services.keys.get();
    return stored === undefined ? 'none' : stored === key ? 'same' : 'different';
  } catch {
    return 'unreadable';
  }
}

/** Whether a key may be there is unknown, so storing the passed one might replace the person's own: they decide. */
async function confirmUnreadableReplacement(): Promise<boolean> {
  const store = vscode.l10n.t('Store Key');
  try {
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Something asked Reasoner to store an AI/ML API key, but the stored key cannot be read (is the OS keyring locked?). Storing it may replace your own key.'),
      { modal: true, detail: vscode.l10n.t('Store the key you were given only if you expected it.') },
      store);
    return answer === store;
  } catch {
    // A dialog that cannot be shown (VS Code's test host refuses them) is not a yes.
    return false;
  }
}
