import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { spendCsv, summarizeSpend } from '../../core/common/spend';
import { readBudgetUsd } from '../config';
import type { Services } from '../services';
import { UsagePanel } from '../usage/usagePanel';

export interface ShowUsageOptions {
  /** Open the Usage page (default true). */
  readonly show?: boolean;
  /** Write every ledger entry as CSV to this path instead of asking where. */
  readonly csvPath?: string;
}

/**
 * reasoner.showUsage: the Usage page (spend by day for 31 days against the budget line,
 * by model and by entry point, with Export CSV…). Resolves to the same figures as text.
 */
export function registerShowUsage(services: Services): vscode.Disposable {
  const command = vscode.commands.registerCommand(COMMANDS.showUsage, async (options?: ShowUsageOptions) => {
    const entries = await services.spend.ledger.all();
    const budget = readBudgetUsd();
    const summary = summarizeSpend(entries, { now: new Date(), ...(budget !== undefined ? { budgetUsd: budget } : {}) });
    if (options?.csvPath) {
      await fs.writeFile(options.csvPath, spendCsv(entries), 'utf8');
      return summary;
    }
    if (options?.show !== false) await UsagePanel.show(services);
    return summary;
  });
  return vscode.Disposable.from(command, { dispose: () => UsagePanel.closeCurrent() });
}
