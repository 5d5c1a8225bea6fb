import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { TASK_QUESTIONS } from '../../core/common/prompts';
import { askInline } from '../inline/inlineTask';
import type { Services } from '../services';

/** reasoner.explainSelection: explains the selection (or enclosing symbol, or line) in an inline thread. */
export function registerExplainSelection(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.explainSelection, async () => {
    const answer = await askInline(services.inline, 'explain', TASK_QUESTIONS.explain, { definitions: services.definitions });
    if (answer !== undefined) services.walkthrough.explained();
    return answer;
  });
}
