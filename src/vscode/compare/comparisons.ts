import * as vscode from 'vscode';
import type { CompareRequest } from '../../core/common/compare';
import type { JobRecord } from '../../core/common/jobs';
import type { Logger } from '../../core/common/logger';
import type { ComparisonStore } from '../../core/node/comparisonStore';
import type { DiffPreview } from '../diff/diffPreview';
import type { JobPlaceHandler } from '../jobs/jobs';
import { Disposable } from '../lifecycle';
import type { RequestRunner } from '../runner';
import type { SettingsReader } from '../config';
import type { ChatBridge } from '../chatBridge';
import { COMPARE_VIEW_TYPE, ComparePanel, panelTitle } from './comparePanel';
import { CompareSession } from './compareSession';

export interface ComparisonsOptions {
  readonly extensionUri: vscode.Uri;
  readonly runner: RequestRunner;
  readonly settings: SettingsReader;
  readonly log: Logger;
  readonly proposals: DiffPreview;
  /** The chat a kept answer goes on in. */
  readonly chat: ChatBridge;
  /** Where open comparisons are kept, so that their tabs come back after a reload (the workspace's storage). */
  readonly store: ComparisonStore;
}

/**
 * The open Compare Models panels, and the comparisons the workspace keeps. Closing a tab ends its
 * comparison (its requests are cancelled, it is no longer kept); a reload does not: VS Code brings
 * the tab back when it is next shown, and a column the gateway runs as a background job is fetched
 * into it even before that.
 */
export class Comparisons extends Disposable implements JobPlaceHandler {
  private readonly panels = new Set<ComparePanel>();
  /** Comparisons fetching a background answer while no tab shows them. */
  private readonly unseen = new Map<string, CompareSession>();
  private closing = false;

  constructor(private readonly options: ComparisonsOptions) {
    super();
    this.register({
      dispose: () => {
        // The window is going: the tabs stay as they are (VS Code keeps them), and so does what they show.
        this.closing = true;
        for (const panel of this.panels) panel.session.dispose();
        for (const session of this.unseen.values()) session.dispose();
      },
    });
  }

  /** Brings Compare Models tabs back after a reload (once per extension: VS Code takes one serializer per view type). */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => this.revive(panel, state),
    });
  }

  /** Open panels, oldest first. */
  get panelsOpen(): readonly ComparePanel[] {
    return [...this.panels];
  }

  /** Sends the question to every model at once and shows the answers side by side. */
  start(request: CompareRequest): ComparePanel {
    return this.show(new CompareSession(request, this.options.runner, this.options.settings, this.options.chat, { save: (saved) => void this.options.store.keep(saved) }));
  }

  /** Fetches a background answer into its comparison's column, whether or not its tab is shown; false when no comparison waits for it. */
  async resume(job: JobRecord): Promise<boolean> {
    const session = await this.sessionWaitingFor(job);
    if (!session) return false;
    const resumed = await session.resumeJob(job);
    // Kept, with its answer in; no tab showed it meanwhile.
    if (this.unseen.get(session.id) === session && !session.running) {
      this.unseen.delete(session.id);
      session.dispose();
    }
    return resumed;
  }

  /** Shows the comparison a background answer belongs to; false when the workspace no longer keeps it. */
  async open(job: JobRecord): Promise<boolean> {
    const id = comparisonOf(job);
    const panel = this.panelsOpen.find((candidate) => candidate.session.id === id);
    if (panel) {
      panel.panel.reveal();
      return true;
    }
    const session = id ? this.unseen.get(id) ?? await this.restoredSession(id) : undefined;
    if (!session || this.isDisposed) return false;
    this.unseen.delete(session.id);
    this.show(session);
    return true;
  }

  /** The job's comparison is on screen. */
  isShown(job: JobRecord): boolean {
    return this.panelsOpen.some((panel) => panel.session.id === comparisonOf(job) && panel.panel.visible);
  }

  private show(session: CompareSession, revived?: vscode.WebviewPanel): ComparePanel {
    const { extensionUri, log, proposals, settings } = this.options;
    const panel = new ComparePanel(session, { extensionUri, log, proposals, settings, panel: revived });
    this.panels.add(panel);
    panel.panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.closing) return;
      this.options.log.info(`Compare Models: a tab closed; its comparison is no longer kept (${session.id}).`);
      void this.options.store.forget(session.id);
    });
    return panel;
  }

  /** A tab VS Code brings back after a reload: its comparison as kept, or (kept no more) the tab closes. */
  private async revive(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const kept = typeof state === 'object' && state !== null ? (state as { comparisonId?: unknown }).comparisonId : undefined;
    // The page keeps its comparison's id, but a reload can come before the workbench saved that: then the tab's title tells.
    const id = typeof kept === 'string' ? kept : await this.idByTitle(webviewPanel.title);
    const shown = () => this.panelsOpen.find((panel) => panel.session.id === id);
    const session = typeof id === 'string' && !shown() ? this.unseen.get(id) ?? await this.restoredSession(id) : undefined;
    if (!session || shown() || this.isDisposed) {
      this.options.log.info(`Compare Models: a tab from before the reload closed (${session ? 'already open' : 'its comparison is no longer kept'}).`);
      session?.dispose();
      webviewPanel.dispose();
      shown()?.panel.reveal();
      return;
    }
    this.unseen.delete(session.id);
    this.show(session, webviewPanel);
  }

  /** The newest kept comparison with this tab title that no tab shows yet. */
  private async idByTitle(title: string): Promise<string | undefined> {
    const saved = await this.options.store.all();
    return saved.find((comparison) => panelTitle(comparison.request.question) === title
      && !this.panelsOpen.some((panel) => panel.session.id === comparison.id))?.id;
  }

  private async sessionWaitingFor(job: JobRecord): Promise<CompareSession | undefined> {
    const id = comparisonOf(job);
    if (!id) return undefined;
    const live = () => this.panelsOpen.find((panel) => panel.session.id === id)?.session ?? this.unseen.get(id);
    const open = live();
    if (open) return open.waitsFor(job.id) ? open : undefined;
    const session = await this.restoredSession(id);
    const meanwhile = live();
    if (meanwhile || !session?.waitsFor(job.id) || this.isDisposed) {
      session?.dispose();
      return meanwhile?.waitsFor(job.id) ? meanwhile : undefined;
    }
    // Until a tab shows it, the comparison lives here; once its answers are in, it is only kept.
    this.unseen.set(id, session);
    return session;
  }

  private async restoredSession(id: string): Promise<CompareSession | undefined> {
    const saved = await this.options.store.get(id);
    if (!saved) return undefined;
    return new CompareSession(saved.request, this.options.runner, this.options.settings, this.options.chat, { saved, save: (changed) => void this.options.store.keep(changed) });
  }
}

function comparisonOf(job: JobRecord): string | undefined {
  return job.place.kind === 'compare' ? job.place.comparisonId : undefined;
}
