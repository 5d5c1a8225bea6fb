/**
 * Spend and budget around the one request pipeline: every answer's cost goes into
 * the ledger; at 80% of `reasoner.monthlyBudgetUsd` a warning shows once; at 100%
 * a request asks before it is sent; o3-pro requests show an estimate learned from
 * the user's own recent o3-pro answers.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../core/common/commands';
import { ApiError } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import type { ModelInfo } from '../core/common/models';
import { plainMessage } from '../core/common/plainMessage';
import { describeEstimate, estimateCost, monthSpendUsd, roughTokens, type SpendEntry } from '../core/common/spend';
import { formatUsd } from '../core/common/usageText';
import type { Usage } from '../core/common/types';
import type { SpendLedger } from '../core/node/ledger';
import { readBudgetUsd, Setting, saveUserSetting } from './config';
import type { Notifier } from './notify';

/** Models whose requests show a cost estimate first: the slow, expensive one. */
const ESTIMATED_MODELS: ReadonlySet<string> = new Set(['o3-pro']);
const WARN_AT = 0.8;

export const BUDGET_CHOICES = {
  get send() { return vscode.l10n.t('Send anyway this time'); },
  get raise() { return vscode.l10n.t('Raise budget…'); },
  get cancel() { return vscode.l10n.t('Don\'t send'); },
};

export interface SpendCheck {
  readonly proceed: boolean;
  /** Why it was not sent (over budget and not confirmed). */
  readonly error?: ApiError;
  /** The o3-pro estimate shown before sending. */
  readonly estimate?: string;
}

export class SpendTracker {
  /** How many times a request asked before going over the budget (the log and tests read it). */
  budgetQuestions = 0;
  private asking: Promise<unknown> = Promise.resolve();

  constructor(readonly ledger: SpendLedger, private readonly notifier: Notifier, private readonly log: Logger) {}

  /** Before a request is sent: the budget question at 100%, and the estimate for o3-pro. */
  async beforeSend(model: ModelInfo, inputChars: number, signal: AbortSignal): Promise<SpendCheck> {
    const entries = await this.ledger.all();
    const budget = readBudgetUsd();
    const estimate = ESTIMATED_MODELS.has(model.id) ? describeEstimate(model.label, estimateCost(entries, model.id, roughTokens(inputChars))) : undefined;
    if (estimate) this.log.info(estimate);
    if (budget !== undefined) {
      const spent = monthSpendUsd(entries, new Date());
      if (spent >= budget) {
        const proceed = await this.askOverBudget(spent, budget, estimate, signal);
        if (!proceed) {
          this.log.info(`Not sent: this month's spend ${formatUsd(spent)} reached the budget ${formatUsd(budget)}.`);
          return {
            proceed: false,
            error: new ApiError({
              kind: 'config', actions: ['openSettings'],
              userMessage: `Not sent: this month's spend (${formatUsd(spent)}) has reached your budget (${formatUsd(budget)}). Raise reasoner.monthlyBudgetUsd or send anyway when asked.`,
            }),
          };
        }
      }
    }
    return { proceed: true, ...(estimate ? { estimate } : {}) };
  }

  /** After an answer: its spend into the ledger; a warning when this answer crossed 80% or 100% of the budget. */
  async record(source: string, model: ModelInfo, usage: Usage): Promise<void> {
    const entries = await this.ledger.all();
    const before = monthSpendUsd(entries, new Date());
    const entry: SpendEntry = {
      at: Date.now(), modelId: model.id, source,
      inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, reasoningTokens: usage.reasoningTokens,
      ...(usage.costUsd !== undefined ? { costUsd: usage.costUsd } : {}),
    };
    await this.ledger.record(entry);
    const budget = readBudgetUsd();
    if (budget === undefined || usage.costUsd === undefined) return;
    const after = before + usage.costUsd;
    const crossed = after >= budget && before < budget ? 1 : after >= budget * WARN_AT && before < budget * WARN_AT ? WARN_AT : undefined;
    if (crossed === undefined) return;
    const percent = Math.round((after / budget) * 100);
    this.notifier.show('warning', crossed === 1
      ? vscode.l10n.t('Reasoner: you have used {0}% of your monthly budget ({1} of {2}). Further requests will ask before they are sent.', percent, formatUsd(after), formatUsd(budget))
      : vscode.l10n.t('Reasoner: you have used {0}% of your monthly budget ({1} of {2}).', percent, formatUsd(after), formatUsd(budget)), [
      { title: vscode.l10n.t('Show Usage'), run: () => vscode.commands.executeCommand(COMMANDS.showUsage) },
      { title: vscode.l10n.t('Raise Budget'), run: () => this.raiseBudget(after, budget) },
    ]);
  }

  /** One question at a time: a second request over budget waits for the first answer. */
  private askOverBudget(spent: number, budget: number, estimate: string | undefined, signal: AbortSignal): Promise<boolean> {
    const question = this.asking.then(() => this.ask(spent, budget, estimate, signal));
    this.asking = question.catch(() => undefined);
    return question;
  }

  private async ask(spent: number, budget: number, estimate: string | undefined, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    this.budgetQuestions++;
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const picked = await vscode.window.showQuickPick([
        { label: BUDGET_CHOICES.send, ...(estimate ? { detail: plainMessage(estimate) } : {}) },
        { label: BUDGET_CHOICES.raise, detail: vscode.l10n.t('Currently {0} a month (reasoner.monthlyBudgetUsd)', formatUsd(budget)) },
        { label: BUDGET_CHOICES.cancel },
      ], {
        title: vscode.l10n.t('Monthly budget reached: {0} of {1} spent this month', formatUsd(spent), formatUsd(budget)),
        placeHolder: vscode.l10n.t('Send this request anyway?'),
        ignoreFocusOut: true,
      }, cancel.token);
      if (picked?.label === BUDGET_CHOICES.send) return true;
      if (picked?.label === BUDGET_CHOICES.raise) return (await this.raiseBudget(spent, budget)) !== undefined;
      return false;
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  /** Asks for a new monthly budget above this month's spend; resolves to it, or undefined when backed out. */
  private async raiseBudget(spent: number, budget: number): Promise<number | undefined> {
    const suggestion = Math.ceil(Math.max(budget * 1.5, spent * 1.25));
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Monthly budget in US dollars'),
      value: String(suggestion),
      prompt: vscode.l10n.t('This month so far: {0}.', formatUsd(spent)),
      validateInput: (text) => {
        const number = Number(text);
        if (!Number.isFinite(number) || number <= 0) return vscode.l10n.t('Enter an amount in dollars, for example 50.');
        return number <= spent ? vscode.l10n.t('Enter more than this month\'s spend ({0}).', formatUsd(spent)) : undefined;
      },
    });
    if (value === undefined) return undefined;
    const raised = Number(value);
    await saveUserSetting(Setting.monthlyBudgetUsd, raised);
    this.log.info(`Monthly budget raised to ${formatUsd(raised)}.`);
    return raised;
  }
}
