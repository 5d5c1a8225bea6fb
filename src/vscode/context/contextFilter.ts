import type { Ignore } from 'ignore';
import type * as IgnoreParts from './ignoreParts';
import * as vscode from 'vscode';

export const IGNORE_FILE = '.reasonerignore';

let ignoreParts: typeof IgnoreParts | undefined;
function ignore(): Ignore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ignoreParts ??= require('./ignoreParts') as typeof IgnoreParts;
  return ignoreParts.ignore();
}

/** Type declarations: the signatures of code outside the workspace (libraries, the runtime). */
const DECLARATION_FILE = /\.d\.[cm]?ts$|\.pyi$/i;

export function isTypeDeclaration(uri: vscode.Uri): boolean {
  return DECLARATION_FILE.test(uri.path);
}

/** Where a definition's file stands: 0 the code's own file, 1 the workspace, 2 a declaration outside it. */
export type FileTier = 0 | 1 | 2;

/**
 * Which files a definition may be read from. Built once per gathering (the
 * `.reasonerignore` files are read afresh each time, so an edit counts at once):
 * - the file the code is in;
 * - other files of the workspace, unless `.reasonerignore` (gitignore syntax, at
 *   a workspace folder's root) or `files.exclude` / `search.exclude` match them;
 *   type declarations are not held back by the two exclude settings, whose
 *   defaults hide `node_modules`;
 * - type declarations outside the workspace.
 * The caller never builds one in an untrusted workspace.
 */
export class ContextFilter {
  private constructor(
    private readonly origin: vscode.Uri,
    private readonly ignores: ReadonlyMap<string, Ignore>,
  ) {}

  static async create(origin: vscode.Uri): Promise<ContextFilter> {
    const ignores = new Map<string, Ignore>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const rules = await readIgnoreFile(folder);
      if (rules !== undefined) ignores.set(folder.uri.toString(), ignore().add(rules));
    }
    return new ContextFilter(origin, ignores);
  }

  /** The tier of `uri`, or undefined when nothing may be read from it (checked before the file is opened). */
  tierOf(uri: vscode.Uri): FileTier | undefined {
    if (uri.toString() === this.origin.toString()) return 0;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return isTypeDeclaration(uri) ? 2 : undefined;
    const relative = vscode.workspace.asRelativePath(uri, false);
    const rules = this.ignores.get(folder.uri.toString());
    if (rules && relative !== '' && !relative.startsWith('..') && rules.ignores(relative)) return undefined;
    return 1;
  }

  /** Whether an opened workspace document is hidden by `files.exclude` or `search.exclude`. */
  isExcluded(document: vscode.TextDocument): boolean {
    if (isTypeDeclaration(document.uri)) return false;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return false;
    return excludeGlobs(folder).some((glob) => vscode.languages.match({ pattern: new vscode.RelativePattern(folder, glob) }, document) > 0);
  }
}

async function readIgnoreFile(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, IGNORE_FILE));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}

/** The globs set to `true` in `files.exclude` and `search.exclude` (sibling conditions are not evaluated: such entries are left out). */
function excludeGlobs(folder: vscode.WorkspaceFolder): string[] {
  const globs: string[] = [];
  for (const [section, key] of [['files', 'exclude'], ['search', 'exclude']] as const) {
    const entries = vscode.workspace.getConfiguration(section, folder.uri).get<Record<string, unknown>>(key) ?? {};
    for (const [glob, on] of Object.entries(entries)) if (on === true) globs.push(glob);
  }
  return globs;
}
