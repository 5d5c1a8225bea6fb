import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { spendCsv, summarizeSpend } from '../../core/common/spend';
import { readBudgetUsd } from '../config';
import type { Services } from '../services';

export interface ShowUsageOptions {
  /** Open the report in an editor (default true). */
  readonly show?: boolean;
  /** Write every ledger entry as CSV to this path instead of asking where. */
  readonly csvPath?: string;
}

/**
 * reasoner.showUsage: this month's spend against the budget, then by day, by model
 * and by entry point, in a plain-text document; offers a CSV export of the ledger.
 * Resolves to the summary text.
 */
export function registerShowUsage(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showUsage, async (options?: ShowUsageOptions) => {
    const entries = await services.spend.ledger.all();
    const budget = readBudgetUsd();
    const summary = summarizeSpend(entries, { now: new Date(), ...(budget !== undefined ? { budgetUsd: budget } : {}) });
    if (options?.csvPath) {
      await fs.writeFile(options.csvPath, spendCsv(entries), 'utf8');
      return summary;
    }
    if (options?.show === false) return summary;
    const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: summary });
    await vscode.window.showTextDocument(document, { preview: true });
    if (entries.length > 0) {
      const exportCsv = vscode.l10n.t('Export CSV…');
      void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: {0} answers in the ledger.', entries.length), exportCsv).then(async (picked) => {
        if (picked !== exportCsv) return;
        const target = await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: vscode.l10n.t('Export'), title: vscode.l10n.t('Export Reasoner usage') });
        if (target) await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(spendCsv(entries)));
      });
    }
    return summary;
  });
}
