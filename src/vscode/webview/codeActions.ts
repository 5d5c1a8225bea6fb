/**
 * What the buttons on a code block in an answer (the chat's or Compare
 * Models') do in the editor: copy, insert at the cursor, apply to the selection (after a diff and a yes), and
 * open as a new file. Every change to a document is one WorkspaceEdit or one
 * editor edit, so a single Undo takes it back.
 */
import * as vscode from 'vscode';
import { plainMessage } from '../../core/common/plainMessage';
import { DiffPreview, isPreviewUri, proposalTarget } from '../diff/diffPreview';
import { Disposable } from '../lifecycle';

export type CodeActionOutcome = 'done' | 'no-editor' | 'no-selection' | 'changed' | 'discarded' | 'failed';

/** Asked before applying: resolves true to apply. Tests pass their own. */
export type ConfirmApply = (question: string) => Promise<boolean>;

const LANGUAGE_ALIASES: Record<string, string> = {
  ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', py: 'python', rb: 'ruby',
  sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', shell: 'shellscript', yml: 'yaml', md: 'markdown',
  'c++': 'cpp', 'c#': 'csharp', cs: 'csharp', rs: 'rust', kt: 'kotlin', ps1: 'powershell', golang: 'go', text: 'plaintext',
};

export class CodeActions extends Disposable {
  private readonly previews: DiffPreview;
  private lastEditor: vscode.TextEditor | undefined;

  /**
   * `previews` is the extension's shared diff preview; without one (a page built on its own) it owns one.
   * `source` names the page the code comes from, in the title of Apply to Selection's diff.
   */
  constructor(previews?: DiffPreview, private readonly source = 'chat') {
    super();
    this.previews = previews ?? this.register(new DiffPreview());
    this.lastEditor = vscode.window.activeTextEditor;
    // While a page has focus there is no active text editor: remember the last one.
    this.register(vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && !isPreviewUri(editor.document.uri)) this.lastEditor = editor;
    }));
  }

  /** The editor the code goes to: the active one, else the last one used if still visible. */
  targetEditor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && !isPreviewUri(active.document.uri)) return active;
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
   * Apply or Discard on the diff itself answer the question too.
   */
  async applyToSelection(code: string, confirm: ConfirmApply = defaultConfirm): Promise<CodeActionOutcome> {
    const editor = this.targetEditor();
    if (!editor) return 'no-editor';
    if (editor.selection.isEmpty) return 'no-selection';
    const range = editor.selection;
    const proposal = await this.previews.show(proposalTarget(editor.document, range), code, { label: `selection ↔ code from ${this.source}`, preview: true, preserveFocus: true });
    try {
      const lines = range.start.line === range.end.line ? `line ${range.start.line + 1}` : `lines ${range.start.line + 1}–${range.end.line + 1}`;
      const answer = await Promise.race([confirm(`Apply the code block to ${lines} of ${proposal.name}?`), proposal.settled]);
      if (answer === 'applied') return 'done';
      if (answer !== true) return 'discarded';
      const outcome = await this.previews.apply(proposal);
      return outcome === 'applied' ? 'done' : outcome;
    } finally {
      await this.previews.discard(proposal);
    }
  }

  async newFile(code: string, languageId: string): Promise<CodeActionOutcome> {
    const language = await resolveLanguage(languageId);
    const document = await vscode.workspace.openTextDocument(language ? { content: code, language } : { content: code });
    await vscode.window.showTextDocument(document, { preview: false });
    return 'done';
  }
}

async function defaultConfirm(question: string): Promise<boolean> {
  const choice = await vscode.window.showInformationMessage(plainMessage(question), 'Apply', 'Discard');
  return choice === 'Apply';
}

async function resolveLanguage(languageId: string): Promise<string | undefined> {
  const wanted = languageId.trim().toLowerCase();
  if (!wanted) return undefined;
  const known = new Set(await vscode.languages.getLanguages());
  if (known.has(wanted)) return wanted;
  const alias = LANGUAGE_ALIASES[wanted];
  return alias && known.has(alias) ? alias : undefined;
}
