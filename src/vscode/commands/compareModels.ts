import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import {
  DEFAULT_COMPARE_QUESTION, MAX_COMPARE_MODELS, MIN_COMPARE_MODELS, parseCompareArguments, type CompareResult,
} from '../../core/common/compare';
import type { ModelInfo } from '../../core/common/models';
import { plainMessage } from '../../core/common/plainMessage';
import type { CodeContext } from '../../core/common/types';
import { codeFromEditor, requireEditor } from '../editorContext';
import type { Services } from '../services';

/** The models picked last time, offered again. */
const LAST_PICKED_KEY = 'reasoner.compare.models';

interface ModelItem extends vscode.QuickPickItem { readonly model: ModelInfo }

/**
 * reasoner.compareModels [{ models, question, effort? }]: the same question
 * about the selection (or the function around the cursor, or the line) to two
 * or more models at once, answers side by side. Without an argument it asks
 * for the models and the question. Resolves, once every model has answered or
 * failed, to one entry per model in the order given; each failure stays in its
 * own entry (`error`). Resolves to undefined when the person backs out.
 */
export function registerCompareModels(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.compareModels, async (argument?: unknown): Promise<CompareResult[] | undefined> => {
    const settings = services.settings.current();
    let modelIds: readonly string[];
    let question: string;
    let effort = settings.effort;
    let context: CodeContext[] = [];
    if (argument !== undefined) {
      const parsed = parseCompareArguments(argument);
      if (!parsed.ok) throw new Error(`reasoner.compareModels: ${parsed.error}`);
      ({ models: modelIds, question } = parsed.value);
      effort = parsed.value.effort ?? effort;
      // Called from code, the selection goes along when there is an editor; else the question goes alone.
      const editor = vscode.window.activeTextEditor;
      if (editor) context = [(await codeFromEditor(editor)).context];
    } else {
      const editor = requireEditor();
      if (!editor) return undefined;
      const code = await codeFromEditor(editor);
      if (!code.context.code.trim()) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: there is no code here to ask about. Select some code first.'));
        return undefined;
      }
      const picked = await pickModels(settings.models, services.context.globalState.get<string[]>(LAST_PICKED_KEY) ?? [settings.modelId]);
      if (!picked) return undefined;
      const asked = await vscode.window.showInputBox({
        title: vscode.l10n.t('Reasoner: Compare Models (2/2)'),
        prompt: vscode.l10n.t('The same question goes to {0} with the selected code.', plainMessage(picked.join(', '))),
        value: DEFAULT_COMPARE_QUESTION,
        valueSelection: [0, DEFAULT_COMPARE_QUESTION.length],
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Ask something.')),
      });
      if (!asked?.trim()) return undefined;
      await services.context.globalState.update(LAST_PICKED_KEY, picked);
      modelIds = picked;
      question = asked.trim();
      context = [code.context];
    }
    const panel = services.comparisons.start({ question, context, modelIds, effort });
    return panel.session.results;
  });
}

/** A multi-select picker of the models; opens again, saying why, until two or more are picked or the person backs out. */
async function pickModels(models: readonly ModelInfo[], previous: readonly string[]): Promise<string[] | undefined> {
  let selected = new Set(previous);
  let placeHolder = vscode.l10n.t('Pick {0} to {1} models: each answers in a request of its own, billed as usual', MIN_COMPARE_MODELS, MAX_COMPARE_MODELS);
  for (;;) {
    const items: ModelItem[] = models.map((model) => ({
      model,
      label: plainMessage(model.label),
      description: plainMessage(model.id === model.label ? model.api : `${model.id} · ${model.api}`),
      detail: plainMessage(model.description),
      picked: selected.has(model.id),
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Reasoner: Compare Models (1/2)'), placeHolder, canPickMany: true, matchOnDetail: true, ignoreFocusOut: true,
    });
    if (!picked || picked.length === 0) return undefined;
    if (picked.length >= MIN_COMPARE_MODELS && picked.length <= MAX_COMPARE_MODELS) return picked.map((item) => item.model.id);
    selected = new Set(picked.map((item) => item.model.id));
    placeHolder = picked.length < MIN_COMPARE_MODELS
      ? vscode.l10n.t('Only {0} was picked: pick at least {1} models to compare', picked[0]!.label, MIN_COMPARE_MODELS)
      : vscode.l10n.t('{0} models were picked: pick at most {1}', picked.length, MAX_COMPARE_MODELS);
  }
}
