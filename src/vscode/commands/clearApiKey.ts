import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { Services } from '../services';

/** reasoner.clearApiKey: removes the key after a modal confirmation. Resolves to 'cleared' or undefined. */
export function registerClearApiKey(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.clearApiKey, async (options?: { confirm?: boolean }): Promise<string | undefined> => {
    if (!(await services.keys.get())) {
      services.notifier.show('info', vscode.l10n.t('Reasoner: no API key is stored.'));
      return undefined;
    }
    if (options?.confirm !== false) {
      const remove = vscode.l10n.t('Remove Key');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove your AI/ML API key from this machine? Reasoner will ask for it again on the next request.'),
        { modal: true }, remove);
      if (answer !== remove) return undefined;
    }
    await services.keys.clear();
    services.log.info('API key removed from SecretStorage.');
    return 'cleared';
  });
}
