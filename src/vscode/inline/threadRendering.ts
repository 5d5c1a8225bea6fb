/**
 * How an inline thread shows its conversation: one comment per prompt, one per
 * answer, and the failure in a comment of its own, plus the thread's label and
 * the context value its menus key on. Nothing here runs requests.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { endedEarlyNote, PARTIAL_ANSWER_NOTE } from '../../core/common/answerNotices';
import { contextLabel, formatElapsed, type AssistantTurn, type Conversation, type TurnError, type TurnStatus, type UserTurn } from '../../core/common/conversation';
import { definitionsSentMarkdown, isDefinition } from '../../core/common/context';
import { isAccountProblem, presentActions, type PresentedAction } from '../../core/common/errorPresenter';
import { inertCodeSpan, inertText } from '../../core/common/inertMarkdown';
import { InertMarkdownCache } from '../../core/common/inertMarkdownStream';
import { withoutTrailingEllipsis } from '../../core/common/progressStatus';
import { usageLine } from '../../core/common/usageText';

/** The state words a thread shows and its menus (package.json `comments/*` when clauses) test. */
type ThreadState = 'running' | 'done' | 'incomplete' | 'cancelled' | 'error';

const STATE_OF: Readonly<Record<TurnStatus, ThreadState>> = {
  streaming: 'running',
  complete: 'done',
  incomplete: 'incomplete',
  stopped: 'cancelled',
  error: 'error',
};

const STATE_LABEL: Readonly<Record<ThreadState, string>> = {
  running: 'running',
  done: 'done',
  incomplete: 'incomplete',
  cancelled: 'cancelled',
  error: 'failed',
};

/** The error presenter's actions for a failure in the thread `sessionId`, bound to the thread's own Retry and Ask Another Model. */
export function threadErrorActions(sessionId: string, error: TurnError): PresentedAction[] {
  return presentActions(error, {
    retry: { command: COMMANDS.threadRetry, args: [sessionId] },
    switchModel: { command: COMMANDS.threadAskAnotherModel, args: [sessionId] },
  });
}

export interface RenderOptions {
  /** Reasoning summaries are shown (else a line says one is there and how to show it). */
  readonly reasoningShown: boolean;
}

/** Draws the whole conversation into the thread, with its label, context value and reply box. */
export function renderThread(thread: vscode.CommentThread, sessionId: string, conversation: Conversation, options: RenderOptions, now = Date.now()): void {
  const comments: vscode.Comment[] = [];
  let last: AssistantTurn | undefined;
  for (const turn of conversation.turns) {
    if (turn.role === 'user') {
      comments.push(promptComment(turn));
      continue;
    }
    last = turn;
    const failed = turn.status === 'error' && turn.error !== undefined;
    if (!failed || turn.text || turn.reasoning.trim()) comments.push(answerComment(turn, options, now));
    if (failed) comments.push(errorComment(sessionId, turn, turn.error!));
  }
  // Each assignment sends every comment to the window, and the extension host parses each body's whole Markdown
  // first: a draw that changes no comment (the elapsed time ticking in the label) sends none. A draw that changes one
  // sends new comment objects, never the old ones changed in place, so the window sees every new context value.
  if (!sameComments(thread.comments, comments)) thread.comments = comments;
  const state = last ? STATE_OF[last.status] : 'done';
  const head = last ? `Reasoner · ${authorOf(last)}` : 'Reasoner';
  const label = last?.status === 'streaming'
    ? `${head} · ${last.text ? 'writing' : progressOf(last) ?? 'thinking'}… ${formatElapsed(now - last.createdAt)}`
    : `${head} · ${STATE_LABEL[state]}`;
  if (thread.label !== label) thread.label = label;
  const contextValue = state === 'error' && isAccountProblem(last?.error) ? 'reasoner-error-account' : `reasoner-${state}`;
  if (thread.contextValue !== contextValue) thread.contextValue = contextValue;
  thread.canReply = state !== 'running';
}

function sameComments(shown: readonly vscode.Comment[], drawn: readonly vscode.Comment[]): boolean {
  return shown.length === drawn.length && shown.every((comment, index) => sameComment(comment, drawn[index]!));
}

function sameComment(a: vscode.Comment, b: vscode.Comment): boolean {
  return a.mode === b.mode && a.author.name === b.author.name && a.label === b.label && a.contextValue === b.contextValue && sameBody(a.body, b.body);
}

function sameBody(a: string | vscode.MarkdownString, b: string | vscode.MarkdownString): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.value === b.value && a.supportHtml === b.supportHtml && a.supportThemeIcons === b.supportThemeIcons
    && JSON.stringify(a.isTrusted) === JSON.stringify(b.isTrusted);
}

function authorOf(turn: AssistantTurn): string {
  return `${turn.modelLabel ?? turn.modelId} · ${turn.effort}`;
}

/** What the gateway is doing, without the trailing ellipsis the label adds itself. */
function progressOf(turn: AssistantTurn): string | undefined {
  return withoutTrailingEllipsis(turn.progress ?? '') || undefined;
}

function promptComment(turn: UserTurn): vscode.Comment {
  const body = new vscode.MarkdownString();
  body.appendText(turn.text);
  const context = turn.context ?? [];
  for (const code of context.filter((item) => !isDefinition(item))) body.appendMarkdown(`\n\n${inertCodeSpan(contextLabel(code))}`);
  const definitions = definitionsSentMarkdown(context);
  if (definitions !== '') body.appendMarkdown(`\n\n${definitions}`);
  return { body, mode: vscode.CommentMode.Preview, author: { name: 'You' }, contextValue: 'reasoner-question' };
}

/** A comment shows this much of an answer at most; the whole answer opens as a document (Open Answer as Document). */
export const COMMENT_ANSWER_LIMIT = 100_000;

/** Each answer's and reasoning summary's inert Markdown, kept between draws so that a growing answer is converted only where it grew. */
const conversions = new WeakMap<AssistantTurn, { readonly answer: InertMarkdownCache; readonly reasoning: InertMarkdownCache }>();

function conversionsOf(turn: AssistantTurn): { readonly answer: InertMarkdownCache; readonly reasoning: InertMarkdownCache } {
  let entry = conversions.get(turn);
  if (!entry) {
    entry = { answer: new InertMarkdownCache(), reasoning: new InertMarkdownCache() };
    conversions.set(turn, entry);
  }
  return entry;
}

/**
 * The model's answer. Foreign text: untrusted (no command runs), no HTML, no theme
 * icons, and made inert (tags shown as text, images as plain links) so that showing
 * it never makes the editor fetch anything.
 */
function answerComment(turn: AssistantTurn, options: RenderOptions, now: number): vscode.Comment {
  const state = STATE_OF[turn.status];
  const body = new vscode.MarkdownString('', false);
  const converted = conversionsOf(turn);
  const reasoning = turn.reasoning.trim();
  if (reasoning && options.reasoningShown) {
    body.appendMarkdown(`**Reasoning summary**\n\n${converted.reasoning.convert(turn.reasoning.slice(0, COMMENT_ANSWER_LIMIT))}\n\n---\n\n`);
  } else if (reasoning) {
    body.appendMarkdown('› *Reasoning summary hidden: “Show Reasoning Summary” in this answer\'s toolbar shows it.*\n\n');
  }
  const cut = turn.text.length > COMMENT_ANSWER_LIMIT;
  if (turn.text) body.appendMarkdown(converted.answer.convert(cut ? turn.text.slice(0, COMMENT_ANSWER_LIMIT) : turn.text));
  else if (state === 'running') body.appendMarkdown(`*${inertText(progressOf(turn) ?? 'Thinking')}… ${formatElapsed(now - turn.createdAt)}*`);
  if (cut) {
    // While the answer streams the note stays the same, so that a draw past the limit changes nothing and sends nothing.
    const limit = COMMENT_ANSWER_LIMIT.toLocaleString('en-US');
    const shown = state === 'running'
      ? `the first ${limit} characters; the rest is still arriving`
      : `the first ${limit} of ${turn.text.length.toLocaleString('en-US')} characters`;
    body.appendMarkdown(`\n\n---\n\n*Shown: ${shown}. “Open Answer as Document” in this answer's toolbar shows all of it.*`);
  }

  const note = endedEarlyNote(turn);
  if (note) body.appendMarkdown(`\n\n---\n\n⚠ **${state === 'cancelled' ? 'Cancelled' : 'Incomplete'}.** ${inertText(note)}`);
  else if (state === 'error' && turn.text) body.appendMarkdown(`\n\n---\n\n⚠ **Incomplete.** ${PARTIAL_ANSWER_NOTE}`);
  const footer = footerLine(turn);
  if (footer) body.appendMarkdown(`\n\n---\n\n*${footer}*`);
  const reasoningState = reasoning ? (options.reasoningShown ? ' reasoning-shown' : ' reasoning-hidden') : '';
  return {
    body,
    mode: vscode.CommentMode.Preview,
    author: { name: authorOf(turn) },
    label: STATE_LABEL[state],
    contextValue: `reasoner-answer-${state}${reasoningState}${cut ? ' answer-cut' : ''}`,
  };
}

/**
 * The failure and the presenter's actions, in a comment of its own: only this
 * one may run commands (exactly those of its links), and it holds no model text.
 */
function errorComment(sessionId: string, turn: AssistantTurn, error: TurnError): vscode.Comment {
  const actions = threadErrorActions(sessionId, error);
  const body = new vscode.MarkdownString('', true);
  body.appendMarkdown(`$(error) ${inertText(error.message)}`);
  const requestId = error.requestId ?? turn.requestId;
  if (requestId) body.appendMarkdown(` *(request ${inertText(requestId)})*`);
  if (actions.length > 0) body.appendMarkdown(`\n\n${actions.map(commandLink).join(' · ')}`);
  body.isTrusted = { enabledCommands: [...new Set(actions.map((action) => action.command))] };
  return {
    body,
    mode: vscode.CommentMode.Preview,
    author: { name: authorOf(turn) },
    label: STATE_LABEL.error,
    contextValue: 'reasoner-error',
  };
}

function commandLink(action: PresentedAction): string {
  return `[${action.title}](command:${action.command}?${encodeURIComponent(JSON.stringify(action.args))})`;
}

function footerLine(turn: AssistantTurn): string {
  if (turn.status === 'streaming') return '';
  const elapsed = formatElapsed(turn.elapsedMs ?? 0);
  return turn.usage ? `${usageLine(turn.usage)} · ${elapsed}` : elapsed;
}
