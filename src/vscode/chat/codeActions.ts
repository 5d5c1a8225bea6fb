/**
 * What the buttons on a code block in a chat answer do in the editor: copy,
 * insert at the cursor, apply to the selection (after a diff and a yes), and
 * open as a new file. Every change to a document is one WorkspaceEdit or one
 * editor edit, so a single Undo takes it back.
 */
import * as vscode from 'vscode';

export const APPLY_SCHEME = 'reasoner-chat-apply';
/** Each instance gets its own scheme: content providers of one scheme would answer for each other. */
let instances = 0;

export type CodeActionOutcome = 'done' | 'no-editor' | 'no-selection' | 'changed' | 'discarded' | 'failed';

interface PendingApply {
  readonly id: string;
  readonly documentUri: vscode.Uri;
  readonly range: vscode.Range;
  readonly original: string;
  readonly before: string;
  readonly after: string;
  readonly code: string;
}

/** Asked before applying: resolves true to apply. Tests pass their own. */
export type ConfirmApply = (question: string) => Promise<boolean>;

const LANGUAGE_ALIASES: Record<string, string> = {
  ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', py: 'python', rb: 'ruby',
  sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', shell: 'shellscript', yml: 'yaml', md: 'markdown',
  'c++': 'cpp', 'c#': 'csharp', cs: 'csharp', rs: 'rust', kt: 'kotlin', ps1: 'powershell', golang: 'go', text: 'plaintext',
};

export class ChatCodeActions implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly pending = new Map<string, PendingApply>();
  private readonly disposables: vscode.Disposable[] = [];
  private lastEditor: vscode.TextEditor | undefined;
  private nextId = 1;
  private readonly scheme = instances++ === 0 ? APPLY_SCHEME : `${APPLY_SCHEME}-${instances}`;

  constructor() {
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(this.scheme, this));
    this.lastEditor = vscode.window.activeTextEditor;
    // While the chat has focus there is no active text editor: remember the last one.
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && !isApplyScheme(editor.document.uri.scheme)) this.lastEditor = editor;
    }));
  }

  /** The editor the code goes to: the active one, else the last one used if still visible. */
  targetEditor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && !isApplyScheme(active.document.uri.scheme)) return active;
    const last = this.lastEditor;
    if (last && !last.document.isClosed) {
      return vscode.window.visibleTextEditors.find((e) => e.document === last.document) ?? last;
    }
    return undefined;
  }

  async copy(code: string): Promise<CodeActionOutcome> {
    await vscode.env.clipboard.writeText(code);
    return 'done';
  }

  /** Replaces each selection (or inserts at each cursor) with the code: one undo step. */
  async insertAtCursor(code: string): Promise<CodeActionOutcome> {
    const editor = this.targetEditor();
    if (!editor) return 'no-editor';
    const shown = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    const selections = shown.selections.length > 0 ? shown.selections : editor.selections;
    const ok = await shown.edit((builder) => {
      for (const selection of selections) builder.replace(selection, code);
    });
    return ok ? 'done' : 'failed';
  }

  /**
   * Shows the editor's document with its selection replaced by the code in a diff,
   * asks, and applies it as one WorkspaceEdit unless the selected code changed meanwhile.
   */
  async applyToSelection(code: string, confirm: ConfirmApply = defaultConfirm): Promise<CodeActionOutcome> {
    const editor = this.targetEditor();
    if (!editor) return 'no-editor';
    if (editor.selection.isEmpty) return 'no-selection';
    const document = editor.document;
    const range = editor.selection;
    const proposal: PendingApply = {
      id: String(this.nextId++),
      documentUri: document.uri,
      range,
      original: document.getText(range),
      before: document.getText(new vscode.Range(new vscode.Position(0, 0), range.start)),
      after: document.getText(new vscode.Range(range.end, document.lineAt(document.lineCount - 1).range.end)),
      code,
    };
    this.pending.set(proposal.id, proposal);
    const name = document.uri.path.split('/').pop() || 'Untitled';
    const left = vscode.Uri.from({ scheme: this.scheme, path: `/${proposal.id}/current/${name}` });
    const right = vscode.Uri.from({ scheme: this.scheme, path: `/${proposal.id}/proposed/${name}` });
    try {
      await vscode.commands.executeCommand('vscode.diff', left, right, `${name}: selection ↔ code from chat`, { preview: true, preserveFocus: true });
      const lines = range.start.line === range.end.line ? `line ${range.start.line + 1}` : `lines ${range.start.line + 1}–${range.end.line + 1}`;
      const yes = await confirm(`Apply the code block to ${lines} of ${name}?`);
      if (!yes) return 'discarded';
      const current = await vscode.workspace.openTextDocument(proposal.documentUri);
      if (current.getText(proposal.range) !== proposal.original) return 'changed';
      const edit = new vscode.WorkspaceEdit();
      edit.replace(proposal.documentUri, proposal.range, code);
      return (await vscode.workspace.applyEdit(edit)) ? 'done' : 'failed';
    } finally {
      this.pending.delete(proposal.id);
      await closeTabsOf(right);
    }
  }

  async newFile(code: string, languageId: string): Promise<CodeActionOutcome> {
    const language = await resolveLanguage(languageId);
    const document = await vscode.workspace.openTextDocument(language ? { content: code, language } : { content: code });
    await vscode.window.showTextDocument(document, { preview: false });
    return 'done';
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, id, side] = uri.path.split('/');
    const proposal = this.pending.get(id ?? '');
    if (!proposal) return '';
    return side === 'proposed' ? proposal.before + proposal.code + proposal.after : proposal.before + proposal.original + proposal.after;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.pending.clear();
  }
}

function isApplyScheme(scheme: string): boolean {
  return scheme === APPLY_SCHEME || scheme.startsWith(`${APPLY_SCHEME}-`);
}

async function defaultConfirm(question: string): Promise<boolean> {
  const choice = await vscode.window.showInformationMessage(question, 'Apply', 'Discard');
  return choice === 'Apply';
}

async function closeTabsOf(modified: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) =>
    tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === modified.toString());
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs).then(undefined, () => undefined);
}

async function resolveLanguage(languageId: string): Promise<string | undefined> {
  const wanted = languageId.trim().toLowerCase();
  if (!wanted) return undefined;
  const known = new Set(await vscode.languages.getLanguages());
  if (known.has(wanted)) return wanted;
  const alias = LANGUAGE_ALIASES[wanted];
  return alias && known.has(alias) ? alias : undefined;
}
