import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { plainMessage } from '../../core/common/plainMessage';
import { formatTokens, formatUsd } from '../../core/common/usageText';
import { checkConnection, type AuthOutcome } from '../../core/node/connectionCheck';
import { readNetworkSettings } from '../config';
import { abortOnCancel } from '../lifecycle';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import type { Services } from '../services';

/** The cheapest way to prove the key: the smallest model, low effort, a one-word answer. */
const CHECK_MODEL_ID = 'o3-mini';
const CHECK_PROMPT = 'Reply with the single word OK.';

/**
 * reasoner.checkConnection: the way to the gateway stage by stage, as a report in a
 * read-only document (closing it never asks to save) and in the log. Resolves to the report text. The key is
 * never part of it; the last stage is one small real request through the one pipeline.
 */
export function registerCheckConnection(services: Services): vscode.Disposable {
  const reports = new ReadOnlyDocuments('reasoner-report', 1);
  const command = vscode.commands.registerCommand(COMMANDS.checkConnection, async (options?: { show?: boolean }) => {
    const settings = services.settings.current();
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reasoner: checking the connection…'), cancellable: true },
      (_progress, token) => {
        const cancellation = abortOnCancel(token);
        const authenticate = async (): Promise<AuthOutcome> => {
          const result = await services.runner.run({
            source: 'check-connection', modelId: CHECK_MODEL_ID, effort: 'low', signal: cancellation.signal,
            turns: [{ role: 'user', text: CHECK_PROMPT }],
          });
          if (result.error) return { ok: false, detail: result.error.detail ?? result.error.kind, error: result.error };
          const usage = result.usage;
          const spent = usage ? `, ${formatTokens(usage.inputTokens + usage.outputTokens)} tokens${usage.costUsd !== undefined ? `, ${formatUsd(usage.costUsd)}` : ''}` : '';
          return { ok: true, detail: `the gateway accepted the key; ${result.model?.label ?? CHECK_MODEL_ID} answered in ${result.elapsedMs} ms${spent}` };
        };
        return checkConnection({ baseUrl: settings.baseUrl, network: readNetworkSettings(), authenticate })
          .finally(() => cancellation.dispose());
      });
    services.log.info(`Connection check:\n${report.text}`);
    if (options?.show !== false) {
      await reports.show(`/${vscode.l10n.t('Connection check')}.txt`, report.text, { preview: true });
    }
    const failed = report.stages.find((stage) => stage.outcome === 'failed');
    void vscode.window.setStatusBarMessage(failed ? vscode.l10n.t('Reasoner: connection check failed at {0}', plainMessage(failed.name)) : vscode.l10n.t('Reasoner: connection OK'), 5000);
    return report.text;
  });
  return vscode.Disposable.from(reports, command);
}
