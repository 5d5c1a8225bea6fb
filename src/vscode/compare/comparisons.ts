import type * as vscode from 'vscode';
import type { Logger } from '../../core/common/logger';
import type { DiffPreview } from '../diff/diffPreview';
import { Disposable } from '../lifecycle';
import type { RequestRunner } from '../runner';
import type { ChatBridge } from '../services';
import { ComparePanel } from './comparePanel';
import { CompareSession, type CompareRequest } from './compareSession';

export interface ComparisonsOptions {
  readonly extensionUri: vscode.Uri;
  readonly runner: RequestRunner;
  readonly log: Logger;
  readonly proposals: DiffPreview;
  /** The chat a kept answer goes on in (set once the chat view exists). */
  readonly chat: () => ChatBridge | undefined;
}

/** The open Compare Models panels; each one's requests end when it closes, all of them when the extension stops. */
export class Comparisons extends Disposable {
  private readonly panels = new Set<ComparePanel>();

  constructor(private readonly options: ComparisonsOptions) {
    super();
    this.register({ dispose: () => { for (const panel of [...this.panels]) panel.dispose(); } });
  }

  /** Open panels, oldest first. */
  get open(): readonly ComparePanel[] {
    return [...this.panels];
  }

  /** Sends the question to every model at once and shows the answers side by side. */
  start(request: CompareRequest): ComparePanel {
    const { runner, chat, extensionUri, log, proposals } = this.options;
    const panel = new ComparePanel(new CompareSession(request, runner, chat), { extensionUri, log, proposals });
    this.panels.add(panel);
    panel.panel.onDidDispose(() => this.panels.delete(panel));
    return panel;
  }
}
