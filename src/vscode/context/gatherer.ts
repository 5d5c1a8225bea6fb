import * as vscode from 'vscode';
import { VSCODE_COMMANDS } from '../../core/common/commands';
import { folderDistance, identifierUses, selectDefinitions, type ContextSelection, type DefinitionCandidate } from '../../core/common/context';
import { Deadline, systemClock, TimeUp, type Clock } from '../../core/common/deadline';
import { hoverSignature, isImportLine, type HoverPart } from '../../core/common/hoverSignature';
import { displayName } from '../editorContext';
import { ContextFilter, type FileTier } from './contextFilter';

export interface GatherRequest {
  readonly document: vscode.TextDocument;
  /** The code sent; definitions inside it are not sent again. */
  readonly range: vscode.Range;
  readonly maxTokens: number;
  readonly timeLimitMs: number;
  /** The time the limit is measured in (a test holds it to stand for a busy host). */
  readonly clock?: Clock;
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
  const clock = request.clock ?? systemClock;
  const started = clock.now();
  const result = (found: readonly Found[], timedOut: boolean, skipped?: Gathered['skipped']): Gathered => {
    const selection = selectDefinitions(found.map((entry) => entry.candidate), request.maxTokens);
    const where = new Map(found.map((entry) => [entry.candidate, entry.location]));
    return { selection, locations: selection.chosen.map((candidate) => where.get(candidate)!), elapsedMs: clock.now() - started, timedOut, ...(skipped ? { skipped } : {}) };
  };
  if (request.maxTokens <= 0) return result([], false, 'off');
  if (!isTrusted()) return result([], false, 'untrusted');

  const deadline = new Deadline(request.timeLimitMs, clock);
  const search = new DefinitionSearch(request, deadline);
  try {
    await deadline.step(() => search.run());
  } catch (thrown) {
    if (!(thrown instanceof TimeUp)) throw thrown;
  } finally {
    deadline.dispose();
  }
  // What was found by the limit goes; steps still pending then are abandoned, and drop their answers.
  return result([...search.found], search.cutShort || deadline.passed);
}

interface Found {
  readonly candidate: DefinitionCandidate;
  readonly location: vscode.Location;
}

class DefinitionSearch {
  readonly found: Found[] = [];
  /** A step was dropped at the time limit. */
  cutShort = false;
  private filter: ContextFilter | undefined;
  private readonly symbols = new Map<string, Promise<vscode.DocumentSymbol[]>>();
  private readonly fileName: string;

  constructor(private readonly request: GatherRequest, private readonly deadline: Deadline) {
    this.fileName = displayName(request.document);
  }

  async run(): Promise<void> {
    const { document, range } = this.request;
    this.filter = await this.step(() => ContextFilter.create(document.uri));
    const base = document.offsetAt(range.start);
    const uses = identifierUses(document.getText(range));
    await Promise.all(uses.map((use) => this.follow(document.positionAt(base + use.offset), use.offset).catch(() => undefined)));
  }

  /** One awaited step of the search, checked against the time limit before it starts and when it answers. */
  private async step<T>(work: () => PromiseLike<T> | T): Promise<T> {
    try {
      return await this.deadline.step(work);
    } catch (thrown) {
      if (thrown instanceof TimeUp) this.cutShort = true;
      throw thrown;
    }
  }

  /** The definitions of the name at `position`; a local (a parameter, a variable) leads to its type instead. */
  private async follow(position: vscode.Position, firstUse: number): Promise<void> {
    const { document } = this.request;
    const outside = (target: Target) => !this.insideCode(target);
    const targets = await this.step(() => locate(VSCODE_COMMANDS.definitions, document.uri, position));
    let wanted = targets.filter(outside);
    if (wanted.length === 0 && targets.length > 0) wanted = (await this.step(() => locate(VSCODE_COMMANDS.typeDefinitions, document.uri, position))).filter(outside);
    for (const found of wanted) {
      const target = await this.throughImport(found);
      const tier = this.filter!.tierOf(target.uri);
      if (tier === undefined) continue;
      const candidate = await this.candidate(target, tier, position, firstUse);
      if (candidate) this.found.push({ candidate, location: new vscode.Location(target.uri, new vscode.Range(candidate.startLine - 1, 0, candidate.endLine - 1, 0)) });
    }
  }

  /**
   * A definition in the code's own file outside any symbol (an import, in servers that stop there):
   * asked once more from there, which leads to what was imported.
   */
  private async throughImport(target: Target): Promise<Target> {
    if (target.uri.toString() !== this.request.document.uri.toString()) return target;
    if (smallestEnclosing(await this.symbolsOf(target.uri), target.range.start)) return target;
    const further = await this.step(() => locate(VSCODE_COMMANDS.definitions, target.uri, target.range.start));
    return further.find((next) => next.uri.toString() !== target.uri.toString() || !next.range.isEqual(target.range)) ?? target;
  }

  private insideCode(target: Target): boolean {
    return target.uri.toString() === this.request.document.uri.toString() && this.request.range.contains(target.range);
  }

  private async candidate(target: Target, tier: FileTier, usedAt: vscode.Position, firstUse: number): Promise<DefinitionCandidate | undefined> {
    const document = tier === 0 ? this.request.document : await this.step(() => vscode.workspace.openTextDocument(target.uri));
    if (tier === 1 && this.filter!.isExcluded(document)) return undefined;
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
    const code = this.signatureOrLine(await this.step(() => hoverAt(this.request.document.uri, usedAt)), document.lineAt(line).text);
    if (code === undefined) return undefined;
    return { ...common, symbol: document.getText(document.getWordRangeAtPosition(target.range.start) ?? target.range) || code.trim(), code, startLine: line + 1, endLine: line + 1 };
  }

  /**
   * The hover's signature; else the definition's own line. Nothing when the hover is a placeholder
   * (a server still loading, or only "import X") or the line only imports the name.
   */
  private signatureOrLine(hover: readonly HoverPart[], line: string): string | undefined {
    const signature = hoverSignature(hover);
    if (signature.kind === 'signature') return signature.code;
    if (signature.kind === 'placeholder' || !line.trim() || isImportLine(line)) return undefined;
    return line;
  }

  private symbolsOf(uri: vscode.Uri): Promise<vscode.DocumentSymbol[]> {
    return this.step(() => {
      const key = uri.toString();
      const asked = this.symbols.get(key);
      if (asked) return asked;
      const symbols = Promise.resolve(vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>(VSCODE_COMMANDS.documentSymbols, uri))
        .then((list) => (list ?? []).filter((symbol): symbol is vscode.DocumentSymbol => 'children' in symbol), () => []);
      this.symbols.set(key, symbols);
      return symbols;
    });
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

/** The pieces of the hover at a use (its code blocks carry a signature, for files without document symbols). */
async function hoverAt(uri: vscode.Uri, position: vscode.Position): Promise<HoverPart[]> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[] | undefined>(VSCODE_COMMANDS.hover, uri, position).then(undefined, () => undefined);
  return (hovers ?? []).flatMap((hover) => hover.contents.map((content): HoverPart =>
    typeof content === 'object' && 'language' in content ? { code: content.value } : { markdown: typeof content === 'string' ? content : content.value }));
}

/** A declaration outside the workspace, named from its package on (`node_modules/@types/node/fs.d.ts`), else by its file name. */
function declarationName(uri: vscode.Uri): string {
  const at = uri.path.lastIndexOf('/node_modules/');
  return at >= 0 ? uri.path.slice(at + 1) : uri.path.split('/').pop() ?? uri.path;
}
