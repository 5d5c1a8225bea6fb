/** A made-up language for the context tests: `def NAME` … `end` blocks in `*.rtl` files. */
import * as vscode from 'vscode';

export const RTL: vscode.DocumentSelector = { pattern: '**/*.rtl' };

export interface Block { readonly name: string; readonly start: number; readonly end: number }

export function blocks(text: string): Block[] {
  const lines = text.split('\n');
  const found: Block[] = [];
  lines.forEach((line, index) => {
    const def = /^def (\w+)/.exec(line);
    if (def) found.push({ name: def[1]!, start: index, end: lines.findIndex((candidate, at) => at > index && candidate.trim() === 'end') });
  });
  return found;
}

/** The document symbols of an .rtl file: one function per block. */
export function blockSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
  return blocks(document.getText()).map((block) => {
    const range = new vscode.Range(block.start, 0, block.end, 3);
    return new vscode.DocumentSymbol(block.name, '', vscode.SymbolKind.Function, range, new vscode.Range(block.start, 4, block.start, 4 + block.name.length));
  });
}

/**
 * A definition and symbol provider for `*.rtl` files: `def NAME` … `end` blocks,
 * and `call NAME` finds the block in any .rtl file of the same folder.
 */
export function registerTestLanguage(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerDocumentSymbolProvider(RTL, { provideDocumentSymbols: blockSymbols }),
    vscode.languages.registerDefinitionProvider(RTL, {
      provideDefinition: async (document, position) => {
        const word = document.getText(document.getWordRangeAtPosition(position));
        const folder = vscode.Uri.joinPath(document.uri, '..');
        const locations: vscode.Location[] = [];
        for (const [name] of await vscode.workspace.fs.readDirectory(folder)) {
          if (!name.endsWith('.rtl')) continue;
          const uri = vscode.Uri.joinPath(folder, name);
          const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
          for (const block of blocks(text)) {
            if (block.name === word) locations.push(new vscode.Location(uri, new vscode.Position(block.start, 4)));
          }
        }
        return locations;
      },
    }),
  );
}
