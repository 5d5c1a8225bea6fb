import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { TASK_QUESTIONS } from '../../core/common/prompts';
import { streamToNewDocument } from '../documentOutput';
import { codeFromEditor, requireEditor } from '../editorContext';
import type { Services } from '../services';

/** reasoner.writeTests: tests for the selection stream into a new untitled document in the same language. */
export function registerWriteTests(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.writeTests, async (): Promise<string | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    const code = await codeFromEditor(editor);
    if (!code.context.code.trim()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: select the code to write tests for.'));
      return undefined;
    }
    return streamToNewDocument(services, {
      task: 'writeTests',
      source: 'palette:writeTests',
      question: TASK_QUESTIONS.writeTests,
      context: [code.context],
      languageId: code.document.languageId,
      stripFence: true,
    });
  });
}
