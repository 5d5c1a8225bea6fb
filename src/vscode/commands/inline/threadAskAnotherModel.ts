import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import { plainMessage } from '../../../core/common/plainMessage';
import type { Services } from '../../services';

/** reasoner.inline.askAnotherModel [thread, modelId]: asks the thread's last question again with another model. */
export function registerThreadAskAnotherModel(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadAskAnotherModel, async (target?: unknown, modelId?: unknown) => {
    const session = services.inline.find(target);
    if (!session || session.running) return undefined;
    let chosen = typeof modelId === 'string' ? modelId : undefined;
    if (!chosen) {
      const current = session.lastAnswer?.modelId;
      const picked = await vscode.window.showQuickPick(
        services.settings.current().models.map((model) => ({
          label: plainMessage(model.label), description: plainMessage(model.id === current ? 'asked last' : model.api), detail: plainMessage(model.description), id: model.id,
        })),
        { title: 'Reasoner: Ask Another Model', placeHolder: 'The same question goes to the model you pick' });
      chosen = picked?.id;
    }
    return chosen ? session.retry(chosen) : undefined;
  });
}
