import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { TASK_QUESTIONS } from '../../core/common/prompts';
import { askInline } from '../inline/inlineTask';
import type { Services } from '../services';

/** reasoner.findBugs: bugs and risks, each with its line, in an inline thread. */
export function registerFindBugs(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.findBugs, () =>
    askInline(services.inline, 'findBugs', TASK_QUESTIONS.findBugs, { definitions: services.definitions }));
}
