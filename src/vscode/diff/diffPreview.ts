/**
 * Proposed replacements shown in VS Code's diff editor before they touch a
 * document: the left side is the document as it was when the change was asked
 * for, the right side the same text with the target range replaced. Apply is
 * one undoable WorkspaceEdit, refused when the original code changed meanwhile.
 * A proposal stays pending until it is applied or discarded, or its diff closes.
 */
import * as vscode from 'vscode';
import { VSCODE_COMMANDS } from '../../core/common/commands';
import { Disposable } from '../lifecycle';

export const DIFF_PREVIEW_SCHEME = 'reasoner-proposal';

/** The code a change is proposed for, as it was when the change was asked for. */
export interface ProposalTarget {
  readonly documentUri: vscode.Uri;
  readonly range: vscode.Range;
  readonly before: string;
  readonly original: string;
  readonly after: string;
}

export type Settlement = 'applied' | 'discarded';
export type ApplyOutcome = 'applied' | 'changed' | 'failed';

export interface Proposal extends ProposalTarget {
  readonly id: string;
  /** The document's file name, for titles and messages. */
  readonly name: string;
  readonly proposed: string;
  /** Resolves once the proposal is applied or discarded through the preview (not when its diff just closes). */
  readonly settled: Promise<Settlement>;
}

export interface ShowOptions {
  /** Follows the file name in the diff's title. */
  readonly label: string;
  readonly preview?: boolean;
  readonly preserveFocus?: boolean;
  /** Where the diff opens; the active group by default. */
  readonly viewColumn?: vscode.ViewColumn;
}

/**
 * Ids are unique across instances, so that previews sharing the scheme (a chat
 * built without the extension's preview owns one) each answer only for their own.
 */
let lastId = 0;

export function isPreviewUri(uri: vscode.Uri): boolean {
  return uri.scheme === DIFF_PREVIEW_SCHEME;
}

/** Snapshots the text around and inside `range`, to propose a replacement for it later. */
export function proposalTarget(document: vscode.TextDocument, range: vscode.Range): ProposalTarget {
  const end = document.lineAt(document.lineCount - 1).range.end;
  return {
    documentUri: document.uri,
    range: new vscode.Range(range.start, range.end),
    before: document.getText(new vscode.Range(new vscode.Position(0, 0), range.start)),
    original: document.getText(range),
    after: document.getText(new vscode.Range(range.end, end)),
  };
}

export class DiffPreview extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly pending = new Map<string, { readonly proposal: Proposal; readonly settle: (how: Settlement) => void }>();

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(DIFF_PREVIEW_SCHEME, this));
    this.register(vscode.window.tabGroups.onDidChangeTabs(({ closed }) => this.dropClosed(closed)));
    this.register({ dispose: () => this.pending.clear() });
  }

  /** Pending proposals, oldest first. */
  get all(): readonly Proposal[] {
    return [...this.pending.values()].map((entry) => entry.proposal);
  }

  /** Registers a proposal and opens its diff. */
  async show(target: ProposalTarget, proposed: string, options: ShowOptions): Promise<Proposal> {
    let settle: (how: Settlement) => void = () => undefined;
    const settled = new Promise<Settlement>((resolve) => { settle = resolve; });
    const name = target.documentUri.path.split('/').pop() || 'Untitled';
    const proposal: Proposal = { ...target, id: `p${++lastId}`, name, proposed, settled };
    this.pending.set(proposal.id, { proposal, settle });
    try {
      await vscode.commands.executeCommand(VSCODE_COMMANDS.diff, sideUri(proposal, 'current'), sideUri(proposal, 'proposed'),
        `${name}: ${options.label}`, {
          preview: options.preview ?? false, preserveFocus: options.preserveFocus ?? false,
          ...(options.viewColumn !== undefined ? { viewColumn: options.viewColumn } : {}),
        });
    } catch (error) {
      this.pending.delete(proposal.id);
      throw error;
    }
    return proposal;
  }

  /** The pending proposal a command argument names: an id, a diff side's Uri, else the active diff's, else the newest. */
  find(target: unknown): Proposal | undefined {
    if (typeof target === 'string') return this.pending.get(target)?.proposal;
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    if (uri && isPreviewUri(uri)) return this.pending.get(idOf(uri))?.proposal;
    return this.all.at(-1);
  }

  provideTextDocumentContent(uri: vscode.Uri): string | undefined {
    const proposal = this.pending.get(idOf(uri))?.proposal;
    if (!proposal) return undefined;
    const middle = uri.path.startsWith('/proposed/') ? proposal.proposed : proposal.original;
    return proposal.before + middle + proposal.after;
  }

  /** Replaces the original code with the proposal in one undoable edit, unless that code changed; then closes the diff. */
  async apply(proposal: Proposal): Promise<ApplyOutcome> {
    const document = await vscode.workspace.openTextDocument(proposal.documentUri);
    if (document.getText(proposal.range) !== proposal.original) return 'changed';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(proposal.documentUri, proposal.range, proposal.proposed);
    if (!(await vscode.workspace.applyEdit(edit))) return 'failed';
    await this.settle(proposal, 'applied');
    return 'applied';
  }

  /** Drops the proposal and closes its diff; nothing happens to a proposal already settled. */
  async discard(proposal: Proposal): Promise<void> {
    await this.settle(proposal, 'discarded');
  }

  private async settle(proposal: Proposal, how: Settlement): Promise<void> {
    const entry = this.pending.get(proposal.id);
    this.pending.delete(proposal.id);
    entry?.settle(how);
    const tabs = diffTabsOf(proposal.id);
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs).then(undefined, () => undefined);
  }

  private dropClosed(closed: readonly vscode.Tab[]): void {
    for (const tab of closed) {
      const id = tab.input instanceof vscode.TabInputTextDiff && isPreviewUri(tab.input.modified) ? idOf(tab.input.modified) : '';
      // A tab moved to another group is reported closed too: drop only what is no longer shown anywhere.
      if (this.pending.has(id) && diffTabsOf(id).length === 0) this.pending.delete(id);
    }
  }
}

function sideUri(proposal: Proposal, side: 'current' | 'proposed'): vscode.Uri {
  return vscode.Uri.from({ scheme: DIFF_PREVIEW_SCHEME, path: `/${side}/${proposal.id}/${proposal.name}` });
}

function idOf(uri: vscode.Uri): string {
  return uri.path.split('/')[2] ?? '';
}

function diffTabsOf(id: string): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) =>
    tab.input instanceof vscode.TabInputTextDiff && isPreviewUri(tab.input.modified) && idOf(tab.input.modified) === id);
}
