import * as vscode from 'vscode';
import type { TaskKind } from '../../core/common/prompts';
import type { CodeContext } from '../../core/common/types';
import { codeFromEditor, requireEditor, type EditorCode } from '../editorContext';
import type { InlineThreads } from './inlineThreads';

/**
 * Opens an inline thread at the code and asks `question` about it. Resolves
 * to the answer text, or undefined when cancelled or failed (the thread shows why).
 */
export async function askInline(
  threads: InlineThreads, task: TaskKind, question: string | ((code: EditorCode) => string),
  options: { code?: EditorCode; modelId?: string; context?: readonly CodeContext[] } = {},
): Promise<string | undefined> {
  let code = options.code;
  if (!code) {
    const editor = requireEditor();
    if (!editor) return undefined;
    code = await codeFromEditor(editor);
  }
  if (!code.context.code.trim()) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: there is no code here to ask about. Select some code first.'));
    return undefined;
  }
  const text = typeof question === 'string' ? question : question(code);
  const { answer } = threads.start(task, code.document.uri, code.range, text, options.context ?? [code.context], options.modelId);
  return answer;
}
