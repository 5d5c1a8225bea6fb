/**
 * The layering rules of src/, as a pure checker over file texts:
 *
 * - src/core never imports `vscode`, the host (src/vscode) or the page (src/webview);
 * - src/core/common (shared with the page) never imports Node builtins, undici,
 *   eventsource-parser or src/core/node;
 * - src/webview never imports `vscode`, Node builtins, undici, eventsource-parser,
 *   the host or src/core/node;
 * - Compare Models shares with the chat, it does not borrow from it: src/vscode/compare
 *   never imports src/vscode/chat, and src/webview/compare never imports the chat page's
 *   own modules or the chat's protocol (what both use lives in src/vscode/webview,
 *   src/webview and src/core/common/pageMessages).
 *
 * Every way a file can name a module counts: `import … from`, `export … from`, `import 'x'`,
 * `import x = require('x')`, `import('x')` (as a call or in a type) and `require('x')`.
 */

import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';

export interface SourceFile {
  /** Repository-relative, with forward slashes: `src/core/common/errors.ts`. */
  readonly path: string;
  readonly text: string;
}

export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

/** Every module specifier a TypeScript file names, in source order. */
export function importSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const take = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      take(node.moduleSpecifier);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      take(node.moduleReference.expression);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      take(node.argument.literal);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) take(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const NODE_BUILTINS = new Set(builtinModules);
const NODE_ONLY_PACKAGES = new Set(['undici', 'eventsource-parser']);

/** What a specifier names, seen from the file that imports it. */
type Target =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'package'; readonly name: string; readonly builtin: boolean };

function targetOf(importer: string, specifier: string): Target {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    return { kind: 'file', path: path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier)) };
  }
  if (specifier.startsWith('node:')) return { kind: 'package', name: specifier, builtin: true };
  const segments = specifier.split('/');
  const name = specifier.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0]!;
  return { kind: 'package', name, builtin: NODE_BUILTINS.has(name) || NODE_BUILTINS.has(specifier) };
}

function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(`${dir}/`);
}

/** The chat page's own modules (and its protocol), which the compare page must not reach into. */
const CHAT_PAGE_ONLY = [
  'src/webview/app', 'src/webview/main', 'src/webview/composer', 'src/webview/conversationList',
  'src/webview/imageChips', 'src/webview/images', 'src/webview/vscodeApi', 'src/core/common/protocol',
];

const withoutExtension = (file: string): string => file.replace(/\.(ts|js)$/, '');

/** What Compare Models may not import from the chat, or undefined. */
function borrowedFromChat(importer: string, target: Target): string | undefined {
  if (target.kind !== 'file') return undefined;
  if (isUnder(importer, 'src/vscode/compare') && isUnder(target.path, 'src/vscode/chat')) {
    return 'src/vscode/compare never imports src/vscode/chat';
  }
  if (isUnder(importer, 'src/webview/compare') && CHAT_PAGE_ONLY.includes(withoutExtension(target.path))) {
    return 'src/webview/compare never imports the chat page\'s own modules';
  }
  return undefined;
}

/** The rule a file breaks by importing `target`, or undefined when the import is allowed. */
function brokenRule(importer: string, target: Target): string | undefined {
  const borrowed = borrowedFromChat(importer, target);
  if (borrowed) return borrowed;
  const inCore = isUnder(importer, 'src/core');
  const inCommon = isUnder(importer, 'src/core/common');
  const inPage = isUnder(importer, 'src/webview');
  if (!inCore && !inPage) return undefined;
  const layer = inCommon ? 'src/core/common' : inCore ? 'src/core' : 'src/webview';
  if (target.kind === 'package') {
    if (target.name === 'vscode') return `${layer} never imports vscode`;
    if ((inCommon || inPage) && target.builtin) return `${layer} never imports Node builtins`;
    if ((inCommon || inPage) && NODE_ONLY_PACKAGES.has(target.name)) return `${layer} never imports ${target.name}`;
    return undefined;
  }
  if (isUnder(target.path, 'src/vscode')) return `${layer} never imports the host (src/vscode)`;
  if (inCore && isUnder(target.path, 'src/webview')) return `${layer} never imports the page (src/webview)`;
  if ((inCommon || inPage) && isUnder(target.path, 'src/core/node')) return `${layer} never imports src/core/node`;
  return undefined;
}

/** Every import in `files` that breaks a layering rule. */
export function findLayeringViolations(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    for (const specifier of importSpecifiers(file.path, file.text)) {
      const rule = brokenRule(file.path, targetOf(file.path, specifier));
      if (rule) violations.push({ file: file.path, specifier, rule });
    }
  }
  return violations;
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file} -> ${v.specifier} (${v.rule})`).join('\n');
}

/** The file a relative import names, among `files` (`x` → `x.ts` or `x/index.ts`); undefined for packages. */
function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => known.has(candidate));
}

/** Every import cycle among the files (type-only imports count: they tie the modules' designs together), each once, as a path. */
export function findImportCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((file) => file.path));
  const edges = new Map(files.map((file) => [file.path,
    [...new Set(importSpecifiers(file.path, file.text).map((spec) => resolveImport(file.path, spec, known)).filter((to): to is string => to !== undefined))]]));
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, next]);
        }
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of known) if (!state.has(file)) visit(file);
  return cycles;
}

/**
 * The files of `files` that name `identifier` in code (an import, a call, a reference), outside
 * comments and strings: for a function only one place may call, such as `readSettings`.
 */
export function filesNaming(files: readonly SourceFile[], identifier: string): string[] {
  const names = (node: ts.Node): boolean => (ts.isIdentifier(node) && node.text === identifier) || (ts.forEachChild(node, names) ?? false);
  return files
    .filter((file) => file.text.includes(identifier) && names(ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)))
    .map((file) => file.path);
}
