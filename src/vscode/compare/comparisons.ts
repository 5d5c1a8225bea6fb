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
      deserializeWebviewPanel: (panel, state) => this.restoreTab(panel, state),
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
    const id = comparisonOf(job);
    const session = id ? await this.liveSession(id) : undefined;
    if (!session) return false;
    if (!session.waitsFor(job.id)) {
      this.dropIfUnseen(session);
      return false;
    }
    const resumed = await session.resumeJob(job);
    // Kept, with its answer in; no tab showed it meanwhile.
    this.dropIfUnseen(session);
    return resumed;
  }

  /** Shows the comparison a background answer belongs to; false when the workspace no longer keeps it. */
  async open(job: JobRecord): Promise<boolean> {
    const id = comparisonOf(job);
    const session = id ? await this.liveSession(id) : undefined;
    if (!session || this.isDisposed) return false;
    const panel = this.panelShowing(session.id);
    if (panel) panel.panel.reveal();
    else this.show(session);
    return true;
  }

  /** The job's comparison is on screen. */
  isShown(job: JobRecord): boolean {
    return this.panelsOpen.some((panel) => panel.session.id === comparisonOf(job) && panel.panel.visible);
  }

  /**
   * A tab VS Code brings back after a reload: its comparison as kept, or (kept no more, or already
   * shown in another tab) the tab closes. Public for the serializer, and for tests that stand in for it.
   */
  async restoreTab(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const kept = typeof state === 'object' && state !== null ? (state as { comparisonId?: unknown }).comparisonId : undefined;
    // The page keeps its comparison's id, but a reload can come before the workbench saved that: then the tab's title tells.
    const id = typeof kept === 'string' ? kept : await this.idByTitle(webviewPanel.title);
    const session = id ? await this.liveSession(id) : undefined;
    const shownElsewhere = session ? this.panelShowing(session.id) : undefined;
    if (!session || shownElsewhere || this.isDisposed) {
      this.options.log.info(`Compare Models: a tab from before the reload closed (${session ? 'already open' : 'its comparison is no longer kept'}).`);
      if (session) this.dropIfUnseen(session);
      webviewPanel.dispose();
      shownElsewhere?.panel.reveal();
      return;
    }
    this.show(session, webviewPanel);
    this.options.log.info(`Compare Models: a tab from before the reload is back (${session.id}).`);
  }

  private show(session: CompareSession, revived?: vscode.WebviewPanel): ComparePanel {
    this.unseen.delete(session.id);
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

  /** The newest kept comparison with this tab title that no tab shows yet. */
  private async idByTitle(title: string): Promise<string | undefined> {
    const saved = await this.options.store.all();
    return saved.find((comparison) => panelTitle(comparison.request.question) === title && !this.panelShowing(comparison.id))?.id;
  }

  private panelShowing(id: string): ComparePanel | undefined {
    return this.panelsOpen.find((panel) => panel.session.id === id);
  }

  /**
   * The one session of a comparison: the one a tab shows or a background fetch holds, or else the kept
   * comparison, restored and held here until a tab shows it. A tab coming back and a background answer
   * being fetched after a reload ask at the same moment; both must get the same session, or the tab
   * would show a column that nobody fills in.
   */
  private async liveSession(id: string): Promise<CompareSession | undefined> {
    const live = () => this.panelShowing(id)?.session ?? this.unseen.get(id);
    const now = live();
    if (now) return now;
    const saved = await this.options.store.get(id);
    const meanwhile = live();
    if (meanwhile) return meanwhile;
    if (!saved || this.isDisposed) return undefined;
    const session = new CompareSession(saved.request, this.options.runner, this.options.settings, this.options.chat, { saved, save: (changed) => void this.options.store.keep(changed) });
    this.unseen.set(id, session);
    return session;
  }

  /** A session no tab shows and no background answer is being fetched into ends here (the comparison stays kept). */
  private dropIfUnseen(session: CompareSession): void {
    if (this.unseen.get(session.id) !== session || session.running) return;
    this.unseen.delete(session.id);
    session.dispose();
  }
}

function comparisonOf(job: JobRecord): string | undefined {
  return job.place.kind === 'compare' ? job.place.comparisonId : undefined;
}
