import * as vscode from 'vscode';
import { VSCODE_COMMANDS } from '../core/common/commands';
import type { CodeContext } from '../core/common/types';

const SURROUNDING_LINES = 5;
const ENCLOSING_KINDS = new Set([
  vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor, vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface, vscode.SymbolKind.Enum, vscode.SymbolKind.Struct, vscode.SymbolKind.Module, vscode.SymbolKind.Namespace,
]);

export interface EditorCode {
  readonly context: CodeContext;
  /** What the code covers in the document (whole lines for a symbol or the current line). */
  readonly range: vscode.Range;
  readonly document: vscode.TextDocument;
  /** How the code was chosen, for the thread's first line. */
  readonly origin: 'selection' | 'symbol' | 'line' | 'file';
  readonly symbolName?: string;
}

/** The name shown to the model and the user: workspace-relative for files, the tab name otherwise. */
export function displayName(document: vscode.TextDocument): string {
  if (document.uri.scheme === 'file') return vscode.workspace.asRelativePath(document.uri, false);
  if (document.isUntitled) return document.uri.path || 'Untitled';
  return document.uri.path.split('/').pop() || document.uri.toString();
}

export function codeContextFor(document: vscode.TextDocument, range: vscode.Range, withSurroundings = true): CodeContext {
  const code = document.getText(range);
  const before = withSurroundings && range.start.line > 0
    ? document.getText(new vscode.Range(Math.max(0, range.start.line - SURROUNDING_LINES), 0, range.start.line, 0))
    : '';
  const afterStart = range.end.line + 1;
  const after = withSurroundings && afterStart < document.lineCount
    ? document.getText(new vscode.Range(afterStart, 0, Math.min(document.lineCount, afterStart + SURROUNDING_LINES), 0))
    : '';
  return {
    fileName: displayName(document),
    languageId: document.languageId,
    code,
    startLine: range.start.line + 1,
    endLine: range.end.line + 1,
    ...(before.trim() ? { before } : {}),
    ...(after.trim() ? { after } : {}),
  };
}

/** A selection that ends at column 0 of the next line covers only the lines above it. */
function trimSelection(document: vscode.TextDocument, selection: vscode.Selection): vscode.Range {
  if (selection.end.character === 0 && selection.end.line > selection.start.line) {
    return new vscode.Range(selection.start, document.lineAt(selection.end.line - 1).range.end);
  }
  return selection;
}

async function enclosingSymbol(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.DocumentSymbol | undefined> {
  let symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined;
  try {
    symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>(VSCODE_COMMANDS.documentSymbols, document.uri);
  } catch {
    return undefined;
  }
  let best: vscode.DocumentSymbol | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[]) => {
    for (const symbol of list) {
      if (!symbol.range.contains(position)) continue;
      if (ENCLOSING_KINDS.has(symbol.kind)) best = symbol;
      visit(symbol.children ?? []);
    }
  };
  visit((symbols ?? []).filter((symbol): symbol is vscode.DocumentSymbol => 'children' in symbol));
  return best;
}

/**
 * The code a selection command works on: the selection; with an empty selection
 * the innermost function or class around the cursor (document symbols); else
 * the current line.
 */
export async function codeFromEditor(editor: vscode.TextEditor): Promise<EditorCode> {
  const { document, selection } = editor;
  if (!selection.isEmpty) {
    const range = document.validateRange(trimSelection(document, selection));
    return { context: codeContextFor(document, range), range, document, origin: 'selection' };
  }
  const symbol = await enclosingSymbol(document, selection.active);
  if (symbol) {
    const range = document.validateRange(new vscode.Range(symbol.range.start.line, 0, symbol.range.end.line, Number.MAX_SAFE_INTEGER));
    return { context: codeContextFor(document, range), range, document, origin: 'symbol', symbolName: symbol.name };
  }
  const line = document.lineAt(selection.active.line);
  return { context: codeContextFor(document, line.range), range: line.range, document, origin: 'line' };
}

/** The whole document as context (for questions about the file). */
export function fileContext(document: vscode.TextDocument): EditorCode {
  const range = document.validateRange(new vscode.Range(0, 0, document.lineCount, 0));
  return { context: { fileName: displayName(document), languageId: document.languageId, code: document.getText() }, range, document, origin: 'file' };
}

/** The active text editor, or a clear message when there is none. */
export function requireEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: open a file and select some code first.'));
  return editor;
}
