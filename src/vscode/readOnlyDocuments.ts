import * as vscode from 'vscode';

/**
 * Documents whose text Reasoner provides under its own URI scheme: they open read-only,
 * are never dirty, so closing them never asks to save. Showing a path again replaces its
 * text in the open editor. Only the newest `kept` texts are held.
 */
export class ReadOnlyDocuments implements vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly scheme: string, private readonly kept = 20) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.texts.get(uri.path),
    });
  }

  /** Opens (or refreshes) the document at `path` (`/Name.md`) with `text`; resolves to the document shown. */
  async show(path: string, text: string, options: vscode.TextDocumentShowOptions = { preview: false }): Promise<vscode.TextDocument> {
    this.texts.delete(path);
    this.texts.set(path, text);
    for (const oldest of this.texts.keys()) {
      if (this.texts.size <= this.kept) break;
      this.texts.delete(oldest);
    }
    const uri = vscode.Uri.from({ scheme: this.scheme, path });
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, options);
    return document;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
