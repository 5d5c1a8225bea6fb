import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { isRunning, jobDescription, placeWord, type JobRecord } from '../../core/common/jobs';
import { plainMessage } from '../../core/common/plainMessage';
import { Disposable } from '../lifecycle';
import type { Jobs } from './jobs';

/** While a job runs, its elapsed time in the view is redrawn this often. */
const ELAPSED_TICK_MS = 1000;

/**
 * The Jobs view (a tree in the Reasoner container, collapsed until opened so that the chat has the side bar) and the
 * count of running jobs, in the status bar and as the view's badge.
 * Labels hold foreign text (a conversation's title, a file name, the gateway's message):
 * tree items and the status bar show it as plain text, never as Markdown.
 */
export class JobsView extends Disposable implements vscode.TreeDataProvider<JobRecord> {
  static readonly viewId = 'reasoner.jobs';
  private readonly changed = this.register(new vscode.EventEmitter<JobRecord | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly status = this.register(vscode.window.createStatusBarItem('reasoner.jobs', vscode.StatusBarAlignment.Right, 99));
  private readonly view: vscode.TreeView<JobRecord>;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly jobs: Jobs) {
    super();
    this.view = this.register(vscode.window.createTreeView(JobsView.viewId, { treeDataProvider: this, showCollapseAll: false }));
    this.status.name = vscode.l10n.t('Reasoner Jobs');
    this.status.command = COMMANDS.showJobs;
    this.register(jobs.onDidChange(() => this.refresh()));
    this.register(this.view.onDidChangeVisibility(() => this.refresh()));
    this.register({ dispose: () => clearInterval(this.ticker) });
    this.refresh();
  }

  /** The count of running jobs on the view, which the workbench also shows on Reasoner's icon in the activity bar. */
  get badge(): vscode.ViewBadge | undefined {
    return this.view.badge;
  }

  /** The status bar's text while jobs run; empty when none does. */
  get statusText(): string {
    return this.jobs.runningCount > 0 ? this.status.text : '';
  }

  getChildren(element?: JobRecord): JobRecord[] {
    if (element) return [];
    return [...this.jobs.list].sort((a, b) => Number(isRunning(b)) - Number(isRunning(a)) || b.startedAt - a.startedAt);
  }

  getTreeItem(job: JobRecord): vscode.TreeItem {
    const item = new vscode.TreeItem(plainMessage(job.about), vscode.TreeItemCollapsibleState.None);
    item.id = job.id;
    item.description = plainMessage(jobDescription(job, Date.now()));
    item.tooltip = plainMessage([
      job.about, `${job.modelLabel} (${job.effort} effort), ${placeWord(job.place)}`, `Started ${new Date(job.startedAt).toLocaleString()}`,
      ...(job.message ? [job.message] : []), `Gateway id: ${job.id}`,
    ].join('\n'));
    item.contextValue = isRunning(job) ? 'job.running' : 'job.ended';
    item.iconPath = new vscode.ThemeIcon(ICONS[job.status]);
    item.command = { command: COMMANDS.openJob, title: vscode.l10n.t('Open'), arguments: [job.id] };
    return item;
  }

  private refresh(): void {
    const running = this.jobs.runningCount;
    if (running > 0) {
      const count = running === 1 ? vscode.l10n.t('1 Reasoner job') : vscode.l10n.t('{0} Reasoner jobs', running);
      this.status.text = `$(sync~spin) ${plainMessage(count)}`;
      this.status.tooltip = vscode.l10n.t('Background answers running at the gateway. Click to see them.');
      this.status.show();
      this.view.badge = { value: running, tooltip: plainMessage(count) };
    } else {
      this.status.hide();
      this.view.badge = undefined;
    }
    const tick = running > 0 && this.view.visible;
    if (tick && !this.ticker) this.ticker = setInterval(() => this.changed.fire(undefined), ELAPSED_TICK_MS);
    if (!tick && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    this.changed.fire(undefined);
  }
}

const ICONS: Record<JobRecord['status'], string> = {
  running: 'loading~spin', completed: 'pass', failed: 'error', cancelled: 'circle-slash', lost: 'question',
};
