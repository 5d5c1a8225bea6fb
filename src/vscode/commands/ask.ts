import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { codeFromEditor, fileContext, requireEditor } from '../editorContext';
import { askInline } from '../inline/inlineTask';
import { DisposableStore } from '../lifecycle';
import type { Services } from '../services';

const RECENT_KEY = 'reasoner.recentQuestions';
const RECENT_LIMIT = 15;

/** A box for a free question, offering recent ones; resolves to the question or undefined. */
async function askForQuestion(services: Services, hasSelection: boolean): Promise<string | undefined> {
  const recent = services.context.globalState.get<string[]>(RECENT_KEY, []);
  const pick = vscode.window.createQuickPick();
  pick.title = 'Reasoner: Ask About Selection';
  pick.placeholder = hasSelection ? 'Ask about the selected code…' : 'Ask about this file…';
  pick.ignoreFocusOut = true;
  const recentItems = recent.map((label) => ({ label, description: 'recent' }));
  pick.items = recentItems;
  const listeners = new DisposableStore();
  try {
    return await new Promise<string | undefined>((resolve) => {
      listeners.add(pick.onDidChangeValue((value) => {
        pick.items = value.trim() ? [{ label: value, description: 'ask' }, ...recentItems.filter((item) => item.label !== value)] : recentItems;
      }));
      listeners.add(pick.onDidAccept(() => resolve(pick.selectedItems[0]?.label ?? (pick.value.trim() || undefined))));
      listeners.add(pick.onDidHide(() => resolve(undefined)));
      pick.show();
    });
  } finally {
    listeners.dispose();
    pick.dispose();
  }
}

/** reasoner.ask [question]: a free question about the selection, or the file when nothing is selected. */
export function registerAsk(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.ask, async (argument?: unknown): Promise<string | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const hasSelection = !editor.selection.isEmpty;
    const question = typeof argument === 'string' && argument.trim() ? argument.trim() : await askForQuestion(services, hasSelection);
    if (!question) return undefined;
    const recent = services.context.globalState.get<string[]>(RECENT_KEY, []).filter((item) => item !== question);
    await services.context.globalState.update(RECENT_KEY, [question, ...recent].slice(0, RECENT_LIMIT));
    const code = hasSelection ? await codeFromEditor(editor) : fileContext(editor.document);
    const anchored = hasSelection ? code : { ...code, range: editor.document.lineAt(editor.selection.active.line).range };
    return askInline(services.inline, 'ask', question, { code: anchored });
  });
}
