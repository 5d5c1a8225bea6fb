import * as vscode from 'vscode';

/**
 * Where a thread's whole-line range lands after a document change: lines added
 * or removed above move it, lines added or removed inside grow or shrink it.
 * Changes arrive ordered bottom-up within one event; each is in pre-change coordinates.
 */
export function followChanges(range: vscode.Range, changes: readonly vscode.TextDocumentContentChangeEvent[]): vscode.Range {
  let moved = range;
  for (const change of changes) {
    const addedLines = (change.text.match(/\n/g) ?? []).length;
    const removedLines = change.range.end.line - change.range.start.line;
    const delta = addedLines - removedLines;
    if (delta === 0) continue;
    const endsAboveStart = change.range.end.line < moved.start.line
      || (change.range.end.line === moved.start.line && change.range.end.character === 0 && change.range.start.line < moved.start.line);
    if (endsAboveStart) {
      moved = new vscode.Range(Math.max(0, moved.start.line + delta), 0, Math.max(0, moved.end.line + delta), 0);
    } else if (change.range.start.line <= moved.end.line && change.range.start.line >= moved.start.line) {
      moved = new vscode.Range(moved.start.line, 0, Math.max(moved.start.line, moved.end.line + delta), 0);
    }
  }
  return moved;
}
