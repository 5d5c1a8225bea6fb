import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { plainMessage } from '../../core/common/plainMessage';
import {
  FIX_MARGIN_LINES, MAX_FIX_LINES, PROBLEM_CONTEXT_LINES, extractFix, problemLabel, problemQuestion, sameCode, shortMessage,
} from '../../core/common/problem';
import type { CodeContext } from '../../core/common/types';
import { proposalTarget, type Proposal, type ProposalTarget } from '../diff/diffPreview';
import { displayName, requireEditor } from '../editorContext';
import { ExplainProblemActions, problemFacts, toDiagnostic } from '../problems/problemActions';
import type { Services } from '../services';

/**
 * reasoner.explainProblem [uri, diagnostic]: explains a problem the editor
 * reports (the light bulb's "Reasoner: Explain this problem", or the problem
 * under the cursor) in an inline thread at the problem, and when the answer
 * holds a fix for the lines around it, opens that fix as a diff beside the
 * code, with Apply and Discard. Resolves to the explanation, or undefined.
 */
export function registerExplainProblem(services: Services): vscode.Disposable {
  const explain = async (uriArgument?: unknown, diagnosticArgument?: unknown): Promise<string | undefined> => {
    const target = uriArgument instanceof vscode.Uri ? await problemAt(uriArgument, diagnosticArgument) : await problemUnderCursor();
    if (!target) return undefined;
    const { document, diagnostic } = target;
    const region = fixRegion(document, diagnostic.range);
    // The code as it is now: Apply refuses if it changes while the model thinks.
    const snapshot = proposalTarget(document, region);
    const facts = problemFacts(diagnostic);
    const anchor = new vscode.Range(diagnostic.range.start.line, 0, diagnostic.range.end.line, 0);
    const definitions = await services.definitions.attach(document, region, { source: 'inline:explainProblem', mayAsk: true });
    if (definitions === undefined) return undefined;
    const context = [regionContext(document, region), ...definitions.map((definition) => definition.context)];
    const { session, answer } = services.inline.start('explainProblem', document.uri, anchor, problemQuestion(facts), context);
    const firstAnswerId = session.lastAnswer?.id;
    let offered: Proposal | undefined;
    let offering: Promise<void> = Promise.resolve();
    // The first question's answer, whenever it ends well: at once, or after Retry, Set API Key or Ask Another Model.
    session.onDidAnswer((turn) => {
      if (turn.id !== firstAnswerId || turn.status !== 'complete') return;
      offering = offering.then(async () => {
        const fix = extractFix(turn.text);
        if (fix === undefined || sameCode(fix, snapshot.original)) return;
        if (offered) await services.proposals.discard(offered);
        offered = await offerFix(services, snapshot, fix, diagnostic.message, problemLabel(facts));
      }).catch((error: unknown) => services.log.error(`Explain This Problem: the fix could not be shown: ${error instanceof Error ? error.message : String(error)}`));
    });
    const text = await answer;
    await offering;
    return text;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.explainProblem, explain),
    vscode.languages.registerCodeActionsProvider('*', new ExplainProblemActions(), ExplainProblemActions.metadata),
  );
}

/** Opens the fix as a diff beside the code, with Apply and Discard in a notification (and on the diff's title bar). */
async function offerFix(services: Services, snapshot: ProposalTarget, fix: string, message: string, label: string): Promise<Proposal> {
  const proposal = await services.proposals.show(snapshot, fix, {
    label: vscode.l10n.t('current ↔ suggested fix ({0})', label), preserveFocus: true, viewColumn: vscode.ViewColumn.Beside,
  });
  services.notifier.show('info', `Reasoner suggests a fix for “${shortMessage(message)}” in ${proposal.name}. Review the diff, then apply or discard it.`, [
    { title: vscode.l10n.t('Apply'), run: () => vscode.commands.executeCommand(COMMANDS.refactorApply, proposal.id) },
    { title: vscode.l10n.t('Discard'), run: () => vscode.commands.executeCommand(COMMANDS.refactorDiscard, proposal.id) },
  ]);
  return proposal;
}

interface Problem {
  readonly document: vscode.TextDocument;
  readonly diagnostic: vscode.Diagnostic;
}

async function problemAt(uri: vscode.Uri, argument: unknown): Promise<Problem | undefined> {
  const diagnostic = toDiagnostic(argument);
  if (!diagnostic) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: no problem was given to explain.'));
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (!vscode.window.visibleTextEditors.some((editor) => editor.document === document)) {
    await vscode.window.showTextDocument(document, { selection: diagnostic.range, preserveFocus: false });
  }
  return { document, diagnostic };
}

/** From the palette: the problem at the cursor (or in the selection); a picker when there are several. */
async function problemUnderCursor(): Promise<Problem | undefined> {
  const editor = requireEditor();
  if (!editor) return undefined;
  const { document, selection } = editor;
  const here = vscode.languages.getDiagnostics(document.uri).filter((diagnostic) =>
    selection.isEmpty ? diagnostic.range.contains(selection.active) || diagnostic.range.start.line === selection.active.line : diagnostic.range.intersection(selection) !== undefined);
  if (here.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: there is no problem at the cursor. Put the cursor on a squiggle, or use the light bulb on it.'));
    return undefined;
  }
  if (here.length === 1) return { document, diagnostic: here[0]! };
  const picked = await vscode.window.showQuickPick(here.map((diagnostic) => {
    const facts = problemFacts(diagnostic);
    return { label: plainMessage(shortMessage(diagnostic.message, 100)), description: plainMessage(vscode.l10n.t('{0} · line {1}', problemLabel(facts), facts.line)), diagnostic };
  }), { title: vscode.l10n.t('Reasoner: Explain This Problem'), placeHolder: vscode.l10n.t('Which problem?') });
  return picked ? { document, diagnostic: picked.diagnostic } : undefined;
}

/** The whole lines the fix may replace: the problem's, and a few on each side. */
function fixRegion(document: vscode.TextDocument, range: vscode.Range): vscode.Range {
  const first = Math.max(0, range.start.line - FIX_MARGIN_LINES);
  const last = Math.min(document.lineCount - 1, range.end.line + FIX_MARGIN_LINES, first + MAX_FIX_LINES - 1);
  return new vscode.Range(first, 0, last, document.lineAt(last).range.end.character);
}

/** The region as the selection, with more lines around it than other commands send: declarations often sit further up. */
function regionContext(document: vscode.TextDocument, region: vscode.Range): CodeContext {
  const beforeStart = Math.max(0, region.start.line - PROBLEM_CONTEXT_LINES);
  const afterStart = region.end.line + 1;
  const before = region.start.line > 0 ? document.getText(new vscode.Range(beforeStart, 0, region.start.line, 0)) : '';
  const after = afterStart < document.lineCount
    ? document.getText(new vscode.Range(afterStart, 0, Math.min(document.lineCount, afterStart + PROBLEM_CONTEXT_LINES), 0))
    : '';
  return {
    fileName: displayName(document),
    languageId: document.languageId,
    code: document.getText(region),
    startLine: region.start.line + 1,
    endLine: region.end.line + 1,
    ...(before.trim() ? { before } : {}),
    ...(after.trim() ? { after } : {}),
  };
}
