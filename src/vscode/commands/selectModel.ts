import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { ModelInfo } from '../../core/common/models';
import { plainMessage } from '../../core/common/plainMessage';
import { saveUserSetting, Setting } from '../config';
import type { Services } from '../services';
import { pickEffort } from './selectReasoningEffort';

interface ModelItem extends vscode.QuickPickItem { readonly model: ModelInfo }

function describe(model: ModelInfo): string {
  const api = model.api === 'chat' ? 'chat completions' : 'responses API';
  return `${api} · ${model.capabilities.imageInput ? 'takes images' : 'text only'}${model.builtIn ? '' : ' · yours'}`;
}

/**
 * reasoner.selectModel [modelId [, effort]]: a picker of the catalog (built-in
 * and reasoner.models), then the effort. Saved to user settings. Resolves to
 * the chosen model id, or undefined when the user backs out.
 */
export function registerSelectModel(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.selectModel, async (modelId?: unknown, effort?: unknown): Promise<string | undefined> => {
    const settings = services.settings.current();
    let chosen: ModelInfo | undefined;
    if (typeof modelId === 'string') {
      chosen = settings.models.find((model) => model.id === modelId);
      if (!chosen) {
        services.notifier.show('error', vscode.l10n.t('Reasoner: "{0}" is not a known model. Add it to reasoner.models first.', modelId));
        return undefined;
      }
    } else {
      const items: ModelItem[] = settings.models.map((model) => ({
        model,
        label: plainMessage(model.label),
        description: plainMessage(describe(model)),
        detail: plainMessage(model.description),
        picked: model.id === settings.modelId,
        ...(model.id === settings.modelId ? { iconPath: new vscode.ThemeIcon('check') } : {}),
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Reasoner: Select Model (1/2)',
        placeHolder: `Current: ${settings.modelId} · ${settings.effort}`,
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!picked) return undefined;
      chosen = picked.model;
    }
    const newEffort = typeof effort === 'string' || typeof modelId === 'string'
      ? (typeof effort === 'string' ? effort : settings.effort)
      : await pickEffort(settings.effort, 'Reasoner: Select Reasoning Effort (2/2)');
    if (newEffort === undefined) return undefined;
    await saveUserSetting(Setting.model, chosen.id);
    await saveUserSetting(Setting.reasoningEffort, newEffort);
    return chosen.id;
  });
}
