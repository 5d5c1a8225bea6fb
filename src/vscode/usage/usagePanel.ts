/**
 * The Usage page: a webview panel in the editor area (one at a time), drawn from the
 * spend ledger. It is a report, not a document: nothing to save, nothing asked on close.
 */
import * as vscode from 'vscode';
import { spendCsv } from '../../core/common/spend';
import { parseUsagePageMessage, type UsageHostMessage, type UsagePageMessage } from '../../core/common/usageProtocol';
import { usageReport } from '../../core/common/usageReport';
import { pageHtml, webviewOptions } from '../webview/pageHtml';
import { readBudgetUsd, SECTION, Setting } from '../config';
import { Disposable } from '../lifecycle';
import type { Services } from '../services';
import { WebviewHost } from '../webview/webviewHost';

export const USAGE_VIEW_TYPE = 'reasoner.usage';

export class UsagePanel extends Disposable {
  private static current: UsagePanel | undefined;
  readonly panel: vscode.WebviewPanel;
  private readonly host: WebviewHost<UsageHostMessage, UsagePageMessage>;

  /** Opens the page, or brings the open one forward with fresh figures. */
  static async show(services: Services): Promise<UsagePanel> {
    const panel = UsagePanel.current ?? new UsagePanel(services);
    UsagePanel.current = panel;
    panel.panel.reveal(undefined, false);
    await panel.refresh();
    return panel;
  }

  /** Closes the open page, if any (the extension is going away). */
  static closeCurrent(): void {
    UsagePanel.current?.dispose();
  }

  private constructor(private readonly services: Services) {
    super();
    const extensionUri = services.context.extensionUri;
    const panel = this.panel = this.register(vscode.window.createWebviewPanel(USAGE_VIEW_TYPE, vscode.l10n.t('Reasoner Usage'), vscode.ViewColumn.Active,
      { ...webviewOptions(extensionUri), retainContextWhenHidden: false }));
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'reasoner.svg');
    this.host = this.register(new WebviewHost<UsageHostMessage, UsagePageMessage>({
      name: 'Usage',
      log: services.log,
      webviewOptions: () => webviewOptions(extensionUri),
      html: (webview) => usageHtml(webview, extensionUri),
      parse: parseUsagePageMessage,
      stateTypes: new Set(['report']),
      handlers: {
        ready: async () => this.host.pageReady([await this.message()]),
        exportCsv: () => exportCsv(this.services),
        openBudgetSetting: () => vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${Setting.monthlyBudgetUsd}`),
      },
    }));
    this.register(this.host.attach({
      webview: panel.webview,
      get visible() { return panel.visible; },
      onDidDispose: panel.onDidDispose,
      onDidChangeVisibility: (listener, thisArgs, disposables) => panel.onDidChangeViewState(() => listener.call(thisArgs), undefined, disposables),
    }));
    this.register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.${Setting.monthlyBudgetUsd}`)) void this.refresh();
    }));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => { if (UsagePanel.current === this) UsagePanel.current = undefined; } });
  }

  /** Sends the figures as they are now (dropped while the page loads: it asks for them when ready). */
  async refresh(): Promise<void> {
    await this.host.post(await this.message());
  }

  private async message(): Promise<UsageHostMessage> {
    const budget = readBudgetUsd();
    const entries = await this.services.spend.ledger.all();
    return { type: 'report', report: usageReport(entries, { now: new Date(), ...(budget !== undefined ? { budgetUsd: budget } : {}) }) };
  }
}

/** Every ledger entry as CSV, to a file the person picks. */
export async function exportCsv(services: Services): Promise<vscode.Uri | undefined> {
  const target = await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: vscode.l10n.t('Export'), title: vscode.l10n.t('Export Reasoner usage') });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(spendCsv(await services.spend.ledger.all())));
  return target;
}

/** The page: the usage bundle and its stylesheet under the strict CSP; the figures arrive only by message. */
export function usageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return pageHtml(webview, extensionUri, {
    title: 'Reasoner Usage', page: 'usage', styles: ['usage-style.css'], scripts: ['usage.js'], rootClass: 'usage', rootRole: 'usage-root',
  });
}
