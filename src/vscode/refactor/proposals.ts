import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'reasoner-proposal';

export interface Proposal {
  readonly id: string;
  readonly documentUri: vscode.Uri;
  readonly range: vscode.Range;
  readonly original: string;
  readonly proposed: string;
  readonly request: string;
}

export type ApplyOutcome = 'applied' | 'changed' | 'missing';

/**
 * Proposed replacements shown in VS Code's diff editor: the left side is the
 * document as it is, the right side the document with the selection replaced.
 * Apply is one undoable edit, refused if the original code changed meanwhile.
 */
export class Proposals implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly byId = new Map<string, Proposal>();
  private readonly registration: vscode.Disposable;
  private nextId = 1;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this);
  }

  get all(): readonly Proposal[] {
    return [...this.byId.values()];
  }

  add(documentUri: vscode.Uri, range: vscode.Range, original: string, proposed: string, request: string): Proposal {
    const proposal: Proposal = { id: `p${this.nextId++}`, documentUri, range, original, proposed, request };
    this.byId.set(proposal.id, proposal);
    return proposal;
  }

  /** The proposal named by a command argument: an id, a diff-side Uri, or the active diff editor's. */
  find(target: unknown): Proposal | undefined {
    if (typeof target === 'string') return this.byId.get(target);
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    if (uri?.scheme === PROPOSAL_SCHEME) return this.byId.get(uri.path.split('/')[2] ?? '');
    const all = this.all;
    return all[all.length - 1];
  }

  uris(proposal: Proposal): { readonly current: vscode.Uri; readonly proposed: vscode.Uri } {
    const name = proposal.documentUri.path.split('/').pop() || 'untitled';
    return {
      current: vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/current/${proposal.id}/${name}` }),
      proposed: vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/proposed/${proposal.id}/${name}` }),
    };
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, side, id] = uri.path.split('/');
    const proposal = this.byId.get(id ?? '');
    if (!proposal) return '';
    const document = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === proposal.documentUri.toString());
    const text = document?.getText() ?? '';
    if (side === 'current' || !document) return text;
    return document.getText(new vscode.Range(new vscode.Position(0, 0), proposal.range.start))
      + proposal.proposed
      + document.getText(new vscode.Range(proposal.range.end, document.lineAt(document.lineCount - 1).range.end));
  }

  async apply(proposal: Proposal): Promise<ApplyOutcome> {
    const document = await vscode.workspace.openTextDocument(proposal.documentUri);
    if (document.getText(proposal.range) !== proposal.original) return 'changed';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(proposal.documentUri, proposal.range, proposal.proposed);
    const applied = await vscode.workspace.applyEdit(edit);
    if (applied) this.byId.delete(proposal.id);
    return applied ? 'applied' : 'missing';
  }

  discard(proposal: Proposal): void {
    this.byId.delete(proposal.id);
  }

  /** Closes the diff tab of a proposal, if open. */
  async closeDiff(proposal: Proposal): Promise<void> {
    const { proposed } = this.uris(proposal);
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) =>
      tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposed.toString());
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    this.registration.dispose();
    this.byId.clear();
  }
}
