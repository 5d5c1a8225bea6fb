import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { isReasoningEffort, REASONING_EFFORTS, type ReasoningEffort } from '../../core/common/types';
import { saveUserSetting, Setting } from '../config';
import type { Services } from '../services';

const EFFORT_NOTES: Record<ReasoningEffort, string> = {
  low: 'Fewer reasoning tokens: faster and cheaper.',
  medium: 'The models\' default balance of depth and speed.',
  high: 'The most reasoning tokens: slowest, for the hardest problems.',
};

export async function pickEffort(current: ReasoningEffort, title: string): Promise<ReasoningEffort | undefined> {
  const picked = await vscode.window.showQuickPick(
    REASONING_EFFORTS.map((effort) => ({
      label: effort,
      description: effort === current ? 'current' : '',
      detail: EFFORT_NOTES[effort],
      effort,
    })),
    { title, placeHolder: 'Reasoning effort (reasoning tokens are billed as output)' });
  return picked?.effort;
}

/** reasoner.selectReasoningEffort [effort]: resolves to the chosen effort or undefined. */
export function registerSelectReasoningEffort(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.selectReasoningEffort, async (argument?: unknown): Promise<string | undefined> => {
    const settings = services.settings.current();
    let effort: ReasoningEffort | undefined;
    if (typeof argument === 'string') {
      if (!isReasoningEffort(argument)) {
        services.notifier.show('error', vscode.l10n.t('Reasoner: the effort must be low, medium or high (got "{0}").', String(argument)));
        return undefined;
      }
      effort = argument;
    } else {
      effort = await pickEffort(settings.effort, 'Reasoner: Select Reasoning Effort');
    }
    if (!effort) return undefined;
    await saveUserSetting(Setting.reasoningEffort, effort);
    return effort;
  });
}
