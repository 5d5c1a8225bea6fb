import * as vscode from 'vscode';
import { VSCODE_COMMANDS } from '../../core/common/commands';
import { folderDistance, identifierUses, selectDefinitions, type ContextSelection, type DefinitionCandidate } from '../../core/common/context';
import { displayName } from '../editorContext';
import { ContextFilter, type FileTier } from './contextFilter';

export interface GatherRequest {
  readonly document: vscode.TextDocument;
  /** The code sent; definitions inside it are not sent again. */
  readonly range: vscode.Range;
  readonly maxTokens: number;
  readonly timeLimitMs: number;
}

/** Whether the workspace is trusted: VS Code's own answer, unless a test puts its own. */
export type WorkspaceTrust = () => boolean;

export const workspaceTrust: WorkspaceTrust = () => vscode.workspace.isTrusted;

export interface Gathered {
  readonly selection: ContextSelection;
  /** Where each chosen definition is, in the same order (for references and tests). */
  readonly locations: readonly vscode.Location[];
  readonly elapsedMs: number;
  /** The time limit ended the search: what was found by then went. */
  readonly timedOut: boolean;
  /** Why nothing was looked for. */
  readonly skipped?: 'off' | 'untrusted';
}

/** Symbols that wrap a whole file or package: never "the smallest enclosing symbol" of a definition. */
const WRAPPER_KINDS = new Set([vscode.SymbolKind.File, vscode.SymbolKind.Module, vscode.SymbolKind.Namespace, vscode.SymbolKind.Package]);

type Target = { readonly uri: vscode.Uri; readonly range: vscode.Range };

/**
 * Finds the definitions that code uses through the editor's own providers
 * (definition, type definition, document symbols; hover for a signature when
 * a file has no symbols), for any language that has them. Never reads
 * anything in an untrusted workspace, and stops at the time limit: language
 * servers still starting are not waited for.
 */
export async function gatherDefinitions(request: GatherRequest, isTrusted: WorkspaceTrust = workspaceTrust): Promise<Gathered> {
  const started = performance.now();
  const nothing = (skipped?: Gathered['skipped'], timedOut = false): Gathered =>
    ({ selection: { chosen: [], overBudget: [], tokens: 0 }, locations: [], elapsedMs: performance.now() - started, timedOut, ...(skipped ? { skipped } : {}) });
  if (request.maxTokens <= 0) return nothing('off');
  if (!isTrusted()) return nothing('untrusted');

  const search = new DefinitionSearch(request, await ContextFilter.create(request.document.uri));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = await Promise.race([
    search.run().then(() => false),
    new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), Math.max(0, request.timeLimitMs - (performance.now() - started))); }),
  ]);
  clearTimeout(timer);
  search.stop();
  const selection = selectDefinitions(search.found.map((entry) => entry.candidate), request.maxTokens);
  const where = new Map(search.found.map((entry) => [entry.candidate, entry.location]));
  return { selection, locations: selection.chosen.map((candidate) => where.get(candidate)!), elapsedMs: performance.now() - started, timedOut };
}

class DefinitionSearch {
  readonly found: { readonly candidate: DefinitionCandidate; readonly location: vscode.Location }[] = [];
  private stopped = false;
  private readonly symbols = new Map<string, Promise<vscode.DocumentSymbol[]>>();
  private readonly fileName: string;

  constructor(private readonly request: GatherRequest, private readonly filter: ContextFilter) {
    this.fileName = displayName(request.document);
  }

  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    const { document, range } = this.request;
    const base = document.offsetAt(range.start);
    const uses = identifierUses(document.getText(range));
    await Promise.all(uses.map((use) => this.follow(document.positionAt(base + use.offset), use.offset).catch(() => undefined)));
  }

  /** The definitions of the name at `position`; a local (a parameter, a variable) leads to its type instead. */
  private async follow(position: vscode.Position, firstUse: number): Promise<void> {
    const { document } = this.request;
    const outside = (target: Target) => !this.insideCode(target);
    const targets = await locate(VSCODE_COMMANDS.definitions, document.uri, position);
    if (this.stopped) return;
    let wanted = targets.filter(outside);
    if (wanted.length === 0 && targets.length > 0) wanted = (await locate(VSCODE_COMMANDS.typeDefinitions, document.uri, position)).filter(outside);
    for (const found of wanted) {
      if (this.stopped) return;
      const target = await this.throughImport(found);
      const tier = this.filter.tierOf(target.uri);
      if (tier === undefined) continue;
      const candidate = await this.candidate(target, tier, position, firstUse);
      if (candidate && !this.stopped) this.found.push({ candidate, location: new vscode.Location(target.uri, new vscode.Range(candidate.startLine - 1, 0, candidate.endLine - 1, 0)) });
    }
  }

  /**
   * A definition in the code's own file outside any symbol (an import, in servers that stop there):
   * asked once more from there, which leads to what was imported.
   */
  private async throughImport(target: Target): Promise<Target> {
    if (target.uri.toString() !== this.request.document.uri.toString()) return target;
    if (smallestEnclosing(await this.symbolsOf(target.uri), target.range.start)) return target;
    const further = await locate(VSCODE_COMMANDS.definitions, target.uri, target.range.start);
    return further.find((next) => next.uri.toString() !== target.uri.toString() || !next.range.isEqual(target.range)) ?? target;
  }

  private insideCode(target: Target): boolean {
    return target.uri.toString() === this.request.document.uri.toString() && this.request.range.contains(target.range);
  }

  private async candidate(target: Target, tier: FileTier, usedAt: vscode.Position, firstUse: number): Promise<DefinitionCandidate | undefined> {
    const document = tier === 0 ? this.request.document : await vscode.workspace.openTextDocument(target.uri);
    if (this.stopped || (tier === 1 && this.filter.isExcluded(document))) return undefined;
    const symbol = smallestEnclosing(await this.symbolsOf(document.uri), target.range.start);
    const fileName = tier === 2 ? declarationName(target.uri) : displayName(document);
    const common = { uri: document.uri.toString(), fileName, languageId: document.languageId, tier, folderDistance: folderDistance(this.fileName, fileName), firstUse };
    if (symbol) {
      const startLine = symbol.range.start.line;
      const endLine = symbol.range.end.line;
      const code = document.getText(new vscode.Range(startLine, 0, endLine, document.lineAt(endLine).text.length));
      // A symbol overlapping the code sent adds nothing the model does not see.
      if (tier === 0 && this.request.range.intersection(new vscode.Range(startLine, 0, endLine, 0))) return undefined;
      return { ...common, symbol: symbol.name, code, startLine: startLine + 1, endLine: endLine + 1 };
    }
    const line = target.range.start.line;
    const signature = await hoverSignature(this.request.document.uri, usedAt);
    const code = signature ?? document.lineAt(line).text;
    if (!code.trim()) return undefined;
    return { ...common, symbol: document.getText(document.getWordRangeAtPosition(target.range.start) ?? target.range) || code.trim(), code, startLine: line + 1, endLine: line + 1 };
  }

  private symbolsOf(uri: vscode.Uri): Promise<vscode.DocumentSymbol[]> {
    const key = uri.toString();
    let symbols = this.symbols.get(key);
    if (!symbols) {
      symbols = Promise.resolve(vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>(VSCODE_COMMANDS.documentSymbols, uri))
        .then((list) => (list ?? []).filter((symbol): symbol is vscode.DocumentSymbol => 'children' in symbol), () => []);
      this.symbols.set(key, symbols);
    }
    return symbols;
  }
}

async function locate(command: string, uri: vscode.Uri, position: vscode.Position): Promise<Target[]> {
  const results = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[] | undefined>(command, uri, position).then(undefined, () => undefined);
  return (results ?? []).map((result) => 'targetUri' in result
    ? { uri: result.targetUri, range: result.targetSelectionRange ?? result.targetRange }
    : { uri: result.uri, range: result.range });
}

/** The innermost symbol around `position` that is not a whole-file wrapper. */
export function smallestEnclosing(symbols: readonly vscode.DocumentSymbol[], position: vscode.Position): vscode.DocumentSymbol | undefined {
  let best: vscode.DocumentSymbol | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[]) => {
    for (const symbol of list) {
      if (!symbol.range.contains(position)) continue;
      if (!WRAPPER_KINDS.has(symbol.kind)) best = symbol;
      visit(symbol.children ?? []);
    }
  };
  visit(symbols);
  return best;
}

/** The code blocks of the hover at a use: a signature, for files without document symbols. */
async function hoverSignature(uri: vscode.Uri, position: vscode.Position): Promise<string | undefined> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[] | undefined>(VSCODE_COMMANDS.hover, uri, position).then(undefined, () => undefined);
  const blocks: string[] = [];
  for (const hover of hovers ?? []) {
    for (const content of hover.contents) {
      if (typeof content === 'object' && 'language' in content) blocks.push(content.value);
      else {
        const text = typeof content === 'string' ? content : content.value;
        for (const match of text.matchAll(/^(`{3,})[^\n]*\n([\s\S]*?)\n\1/gm)) blocks.push(match[2]!);
      }
    }
  }
  const signature = blocks.join('\n').trim();
  return signature || undefined;
}

/** A declaration outside the workspace, named from its package on (`node_modules/@types/node/fs.d.ts`), else by its file name. */
function declarationName(uri: vscode.Uri): string {
  const at = uri.path.lastIndexOf('/node_modules/');
  return at >= 0 ? uri.path.slice(at + 1) : uri.path.split('/').pop() ?? uri.path;
}
