import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { plainMessage } from '../../core/common/plainMessage';
import { codeFromEditor, fileContext, requireEditor } from '../editorContext';
import { askInline } from '../inline/inlineTask';
import { DisposableStore } from '../lifecycle';
import type { Services } from '../services';

const RECENT_KEY = 'reasoner.recentQuestions';
const RECENT_LIMIT = 15;

/** A question as a picker row: the label shows it literally, `question` keeps it as typed. */
interface QuestionItem extends vscode.QuickPickItem {
  readonly question: string;
}

/** A box for a free question, offering recent ones; resolves to the question or undefined. */
async function askForQuestion(services: Services, hasSelection: boolean): Promise<string | undefined> {
  const recent = services.context.globalState.get<string[]>(RECENT_KEY, []);
  const pick = vscode.window.createQuickPick<QuestionItem>();
  pick.title = 'Reasoner: Ask About Selection';
  pick.placeholder = hasSelection ? 'Ask about the selected code…' : 'Ask about this file…';
  pick.ignoreFocusOut = true;
  const recentItems: QuestionItem[] = recent.map((question) => ({ label: plainMessage(question), description: 'recent', question }));
  pick.items = recentItems;
  const listeners = new DisposableStore();
  try {
    return await new Promise<string | undefined>((resolve) => {
      listeners.add(pick.onDidChangeValue((value) => {
        // Shown whatever the filter: its label is the question made literal, which need not match what was typed.
        const asked: QuestionItem = { label: plainMessage(value), description: 'ask', question: value, alwaysShow: true };
        pick.items = value.trim() ? [asked, ...recentItems.filter((item) => item.question !== value)] : recentItems;
      }));
      listeners.add(pick.onDidAccept(() => resolve(pick.selectedItems[0]?.question ?? (pick.value.trim() || undefined))));
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
    return askInline(services.inline, 'ask', question, { code: anchored, definitions: services.definitions });
  });
}
