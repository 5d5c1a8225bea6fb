import * as vscode from 'vscode';
import type { TaskKind } from '../../core/common/prompts';
import type { CodeContext } from '../../core/common/types';
import { codeFromEditor, requireEditor, type EditorCode } from '../editorContext';
import type { DefinitionContext } from '../context/definitionContext';
import type { InlineThreads } from './inlineThreads';

/**
 * Opens an inline thread at the code and asks `question` about it. Resolves
 * to the answer text, or undefined when cancelled or failed (the thread shows why).
 */
export async function askInline(
  threads: InlineThreads, task: TaskKind, question: string | ((code: EditorCode) => string),
  options: { code?: EditorCode; modelId?: string; context?: readonly CodeContext[]; definitions?: DefinitionContext } = {},
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
  let context = options.context ?? [code.context];
  if (!options.context && options.definitions) {
    // A question about the whole file is anchored at the cursor's line but is about all of it.
    const sent = code.origin === 'file' ? code.document.validateRange(new vscode.Range(0, 0, code.document.lineCount, 0)) : code.range;
    const definitions = await options.definitions.attach(code.document, sent, { source: `inline:${task}`, mayAsk: true, ...(options.modelId ? { modelId: options.modelId } : {}) });
    if (definitions === undefined) return undefined;
    context = [...context, ...definitions.map((definition) => definition.context)];
  }
  const { answer } = threads.start(task, code.document.uri, code.range, text, context, options.modelId);
  return answer;
}
