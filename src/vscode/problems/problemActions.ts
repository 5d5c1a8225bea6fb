/**
 * "Explain this problem" in the light bulb: a quick fix on every problem the
 * editor reports (errors, warnings, infos; hints are left alone, they are
 * everywhere), in any language. It runs reasoner.explainProblem on that problem.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { shortMessage, type ProblemFacts, type ProblemSeverity } from '../../core/common/problem';
import { DIFF_PREVIEW_SCHEME } from '../diff/diffPreview';
import { displayName } from '../editorContext';

/** At most this many problems under the cursor each get their own action. */
const MAX_ACTIONS = 3;
/** Documents that are not code someone edits: Reasoner's own diffs, output and log views. */
const SKIPPED_SCHEMES: ReadonlySet<string> = new Set([DIFF_PREVIEW_SCHEME, 'output', 'vscode-scm', 'git', 'comment']);

export const EXPLAIN_PROBLEM_TITLE = 'Reasoner: Explain this problem';

export class ExplainProblemActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (SKIPPED_SCHEMES.has(document.uri.scheme)) return [];
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const problems = context.diagnostics.filter((diagnostic) => diagnostic.severity !== vscode.DiagnosticSeverity.Hint).slice(0, MAX_ACTIONS);
    return problems.map((diagnostic) => {
      const title = problems.length === 1 ? vscode.l10n.t(EXPLAIN_PROBLEM_TITLE) : vscode.l10n.t('Reasoner: Explain “{0}”', shortMessage(diagnostic.message, 50));
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = false;
      action.command = { command: COMMANDS.explainProblem, title, arguments: [document.uri, diagnostic] };
      return action;
    });
  }
}

const SEVERITY: Readonly<Record<vscode.DiagnosticSeverity, ProblemSeverity>> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** What the model is told about a diagnostic. */
export function problemFacts(diagnostic: vscode.Diagnostic): ProblemFacts {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  const related = (diagnostic.relatedInformation ?? []).map((info) =>
    `${relatedName(info.location.uri)}:${info.location.range.start.line + 1}: ${shortMessage(info.message, 300)}`);
  return {
    message: diagnostic.message,
    severity: SEVERITY[diagnostic.severity] ?? 'error',
    ...(diagnostic.source ? { source: diagnostic.source } : {}),
    ...(code !== undefined && code !== '' ? { code: String(code) } : {}),
    line: diagnostic.range.start.line + 1,
    column: diagnostic.range.start.character + 1,
    ...(related.length > 0 ? { related } : {}),
  };
}

function relatedName(uri: vscode.Uri): string {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return displayName(open);
  return uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : uri.path.split('/').pop() || uri.toString();
}

/**
 * A diagnostic from a command argument: the editor hands the code action's
 * own object back, other callers may pass a plain `{ message, range, … }`.
 */
export function toDiagnostic(value: unknown): vscode.Diagnostic | undefined {
  if (value instanceof vscode.Diagnostic) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as { message?: unknown; range?: unknown; severity?: unknown; source?: unknown; code?: unknown };
  const range = toRange(record.range);
  if (typeof record.message !== 'string' || !record.message.trim() || !range) return undefined;
  const severity = typeof record.severity === 'number' && record.severity in SEVERITY ? record.severity as vscode.DiagnosticSeverity : vscode.DiagnosticSeverity.Error;
  const diagnostic = new vscode.Diagnostic(range, record.message, severity);
  if (typeof record.source === 'string') diagnostic.source = record.source;
  if (typeof record.code === 'string' || typeof record.code === 'number') diagnostic.code = record.code;
  return diagnostic;
}

function toRange(value: unknown): vscode.Range | undefined {
  if (value instanceof vscode.Range) return value;
  const position = (p: unknown): vscode.Position | undefined => {
    const { line, character } = (p ?? {}) as { line?: unknown; character?: unknown };
    return typeof line === 'number' && typeof character === 'number' && line >= 0 && character >= 0 ? new vscode.Position(line, character) : undefined;
  };
  const pair = Array.isArray(value) ? value : [(value as { start?: unknown } | undefined)?.start, (value as { end?: unknown } | undefined)?.end];
  const start = position(pair[0]);
  const end = position(pair[1]);
  return start && end ? new vscode.Range(start, end) : undefined;
}
