/**
 * The Compare Models page: a webview panel in the editor area with one column
 * per model. The page is a view of the session (it gets the whole state on
 * every `ready`, so hiding the tab loses nothing); closing the panel cancels
 * whatever still runs.
 */
import * as vscode from 'vscode';
import { bindAction } from '../../core/common/errorPresenter';
import type { Logger } from '../../core/common/logger';
import type { NoticeLevel } from '../../core/common/pageMessages';
import { plainMessage } from '../../core/common/plainMessage';
import {
  COMPARE_STATE_MESSAGE_TYPES, parseComparePageMessage, type CompareHostMessage, type ComparePageMessage,
} from '../../core/common/compareProtocol';
import type { DiffPreview } from '../diff/diffPreview';
import type { SettingsReader } from '../config';
import { messageOf } from '../errorMessage';
import { Disposable } from '../lifecycle';
import { runPresentedAction } from '../notify';
import { CodeActions } from '../webview/codeActions';
import { answerContentHandlers, CodeBlocks } from '../webview/codeBlocks';
import { MARKDOWN_PAGE_SCRIPTS } from '../../core/common/pageScripts';
import { createNonce, pageHtml, webviewOptions } from '../webview/pageHtml';
import { WebviewHost, type MessageHandlers } from '../webview/webviewHost';
import type { CompareSession } from './compareSession';

export const COMPARE_VIEW_TYPE = 'reasoner.compare';
/** In the log, and in the title of a diff of code applied from the page. */
const PAGE_NAME = 'Compare Models';

export interface ComparePanelOptions {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  readonly proposals: DiffPreview;
  /** The models Switch Model offers. */
  readonly settings: SettingsReader;
  /** A tab VS Code brought back after a reload, to show the comparison in (otherwise a new tab opens). */
  readonly panel?: vscode.WebviewPanel;
}

export class ComparePanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly host: WebviewHost<CompareHostMessage, ComparePageMessage>;
  /** What the buttons on the answers' code blocks do (tests press them as the page does). */
  readonly codeBlocks: CodeBlocks;
  private readonly settings: SettingsReader;

  constructor(readonly session: CompareSession, options: ComparePanelOptions) {
    super();
    this.register(session);
    const { extensionUri, log } = options;
    this.settings = options.settings;
    // Made before the panel takes the focus: it remembers the editor the code came from, for Insert and Apply.
    const codeActions = this.register(new CodeActions(options.proposals, PAGE_NAME));
    // The active group, not beside it: side-by-side columns need the width more than the code needs to stay in view.
    const panel = this.panel = this.register(options.panel ?? vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, panelTitle(session.request.question), {
      viewColumn: vscode.ViewColumn.Active, preserveFocus: false,
    }, { ...webviewOptions(extensionUri), enableFindWidget: true, retainContextWhenHidden: false }));
    panel.title = panelTitle(session.request.question);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'reasoner.svg');
    this.codeBlocks = new CodeBlocks(codeActions, { notice: (level, message) => this.notice(level, message) }, log, PAGE_NAME);
    this.host = this.register(new WebviewHost<CompareHostMessage, ComparePageMessage>({
      name: 'Compare Models',
      log,
      webviewOptions: () => webviewOptions(extensionUri),
      html: (webview) => compareHtml(webview, extensionUri),
      parse: parseComparePageMessage,
      stateTypes: COMPARE_STATE_MESSAGE_TYPES,
      handlers: this.handlers(),
      onHandlerError: (_message, error) => this.notice('error', `Something went wrong: ${messageOf(error)}`),
    }));
    this.register(session.onDidChange((change) => {
      switch (change.kind) {
        case 'delta': void this.host.post({ type: 'delta', turnId: change.turnId, text: change.text, reasoning: change.reasoning }); return;
        case 'progress': void this.host.post({ type: 'progress', turnId: change.turnId, status: change.status }); return;
        case 'column': void this.host.post({ type: 'column', column: change.column }); return;
      }
    }));
    this.register(this.host.attach({
      webview: panel.webview,
      get visible() { return panel.visible; },
      onDidDispose: panel.onDidDispose,
      onDidChangeVisibility: (listener, thisArgs, disposables) => panel.onDidChangeViewState(() => listener.call(thisArgs), undefined, disposables),
      show: (preserveFocus) => panel.reveal(undefined, preserveFocus),
    }));
    // Closing the tab ends the comparison: its requests are cancelled.
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  notice(level: NoticeLevel, message: string): void {
    void this.host.post({ type: 'notice', level, message });
  }

  private handlers(): MessageHandlers<ComparePageMessage> {
    const session = this.session;
    return {
      ready: () => {
        session.discardPendingDeltas();
        this.host.pageReady([{ type: 'state', state: session.state }]);
      },
      stop: (message) => { session.stop(message.turnId); },
      retry: (message) => session.retry(message.turnId),
      action: async (message) => {
        if (message.action === 'retry') return session.retry(message.turnId);
        if (message.action === 'switchModel') return this.switchModel(message.turnId);
        return runPresentedAction(bindAction(message.action), () => session.retry(message.turnId));
      },
      keep: async (message) => {
        const id = await session.keep(message.turnId);
        if (!id) this.notice('warning', 'That answer cannot be kept: only an answer with text that has finished can go on in the chat.');
      },
      ...answerContentHandlers(() => this.codeBlocks),
    };
  }

  /** Asks the column's question of another model, picked here. */
  private async switchModel(turnId: string): Promise<unknown> {
    const current = this.session.turns.find((turn) => turn.id === turnId)?.modelId;
    const picked = await vscode.window.showQuickPick(
      this.settings.current().models.map((model) => ({
        label: plainMessage(model.label), description: plainMessage(model.id === current ? vscode.l10n.t('this column') : model.api), detail: plainMessage(model.description), id: model.id,
      })),
      { title: vscode.l10n.t('Reasoner: Ask This Column\'s Question of Another Model') });
    return picked ? this.session.retry(turnId, picked.id) : undefined;
  }
}

export function panelTitle(question: string): string {
  const line = question.split('\n').find((l) => l.trim())?.trim() ?? '';
  return vscode.l10n.t('Compare: {0}', line.length > 40 ? `${line.slice(0, 39)}…` : line);
}

/** The page: the shell every page of ours has (a CSP with a fresh nonce), the codicon font, and the compare bundle; data arrives only by message. */
export function compareHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = createNonce()): string {
  return pageHtml(webview, extensionUri, {
    title: 'Reasoner: Compare Models', page: 'compare', styles: ['codicon.css', 'compare-style.css'], scripts: MARKDOWN_PAGE_SCRIPTS, rootClass: 'compare-app', rootRole: 'compare-root',
  }, nonce);
}
