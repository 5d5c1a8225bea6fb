import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { autoTitle, formatElapsed } from '../../core/common/conversation';
import { DEFAULT_REFACTOR_REQUEST, extractCode, INSTRUCTIONS } from '../../core/common/prompts';
import { proposalTarget } from '../diff/diffPreview';
import { offerProposal } from '../diff/offerProposal';
import { codeFromEditor, requireEditor } from '../editorContext';
import { abortOnCancel } from '../lifecycle';
import { errorActions } from '../notify';
import type { Services } from '../services';

/**
 * reasoner.refactor [request]: asks what to change, gets a replacement for the
 * selection, and opens the diff (current ↔ proposed) with Apply and Discard.
 * Resolves to the proposed code once the diff is shown, or undefined.
 */
export function registerRefactor(services: Services): vscode.Disposable {
  const refactor = async (argument?: unknown): Promise<string | undefined> => {
    const editor = requireEditor();
    if (!editor) return undefined;
    if (editor.selection.isEmpty) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: select the code to refactor first.'));
      return undefined;
    }
    const request = typeof argument === 'string' && argument.trim()
      ? argument.trim()
      : await vscode.window.showInputBox({
        title: vscode.l10n.t('Reasoner: Refactor Selection'),
        prompt: vscode.l10n.t('What should change?'),
        value: DEFAULT_REFACTOR_REQUEST,
        valueSelection: [0, DEFAULT_REFACTOR_REQUEST.length],
        ignoreFocusOut: true,
      });
    if (!request) return undefined;
    const code = await codeFromEditor(editor);
    const target = proposalTarget(code.document, code.range);

    const result = await services.notifier.withProgress('Reasoner', async (report, token) => {
      const cancellation = abortOnCancel(token);
      const started = Date.now();
      const label = `Refactoring: ${request}`;
      report(label);
      const tick = setInterval(() => report(`${label} ${formatElapsed(Date.now() - started)}`), 1000);
      try {
        return await services.runner.run({
          source: 'palette:refactor',
          instructions: INSTRUCTIONS.refactor,
          turns: [{ role: 'user', text: `Refactor this code: ${request}`, context: [code.context] }],
          signal: cancellation.signal,
          retry: () => refactor(request),
          job: { place: { kind: 'palette', question: `Refactor this code: ${request}` }, about: autoTitle(`Refactor: ${request}`) },
        });
      } finally {
        clearInterval(tick);
        cancellation.dispose();
      }
    });
    if (result.error) {
      if (result.error.kind !== 'cancelled' && !result.errorNotified) {
        services.notifier.show('error', `Reasoner: ${result.error.userMessage}`, errorActions(result.error, () => refactor(request)));
      }
      return undefined;
    }
    const proposed = extractCode(result.text);
    if (!proposed.trim()) {
      services.notifier.show('warning', `${vscode.l10n.t('Reasoner: the model proposed no code.')}${result.notice ? ` ${result.notice}` : ''}`);
      return undefined;
    }
    await offerProposal(services.proposals, services.notifier, target, proposed, request);
    return proposed;
  };
  return vscode.commands.registerCommand(COMMANDS.refactor, refactor);
}
