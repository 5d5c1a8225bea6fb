import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { contextLabel, formatCost, formatElapsed } from '../../core/common/conversation';
import type { ApiError } from '../../core/common/errors';
import { INSTRUCTIONS, type TaskKind } from '../../core/common/prompts';
import type { CodeContext, FinishReason, ReasoningEffort, Turn, Usage } from '../../core/common/types';
import { readSettings } from '../config';
import { ERROR_ACTION_TITLES } from '../../core/common/errorPresenter';
import type { RequestRunner, RunResult } from '../runner';

export type ExchangeStatus = 'running' | 'done' | 'incomplete' | 'cancelled' | 'error';

export interface Exchange {
  /** What the model is asked (the task's question or the user's reply). */
  readonly question: string;
  readonly context?: readonly CodeContext[];
  modelId: string | undefined;
  modelLabel: string;
  effort: ReasoningEffort;
  answer: string;
  reasoning: string;
  status: ExchangeStatus;
  startedAt: number;
  elapsedMs: number;
  usage?: Usage;
  finish?: FinishReason;
  error?: ApiError;
  notice?: string;
  progress?: string;
}

const STREAM_RENDER_INTERVAL_MS = 120;
const THREAD_COMMANDS = [COMMANDS.threadRetry, COMMANDS.setApiKey, COMMANDS.threadAskAnotherModel, COMMANDS.showLog, COMMANDS.selectReasoningEffort, 'workbench.action.openSettings'];

/** One inline conversation: a comment thread anchored at the code it is about. */
export class InlineSession implements vscode.Disposable {
  readonly exchanges: Exchange[] = [];
  private abort: AbortController | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    readonly id: string,
    readonly thread: vscode.CommentThread,
    readonly task: TaskKind,
    private readonly runner: RequestRunner,
    private modelId: string | undefined,
    private readonly onDisposed: (session: InlineSession) => void,
  ) {}

  get uri(): vscode.Uri { return this.thread.uri; }
  get range(): vscode.Range | undefined { return this.thread.range; }
  get running(): boolean { return this.abort !== undefined; }
  get lastExchange(): Exchange | undefined { return this.exchanges[this.exchanges.length - 1]; }
  get status(): ExchangeStatus | undefined { return this.lastExchange?.status; }

  /** Asks a new question in this thread (the first, or a follow-up). Resolves to the answer, or undefined. */
  ask(question: string, context?: readonly CodeContext[]): Promise<string | undefined> {
    const settings = readSettings();
    const modelId = this.modelId ?? settings.modelId;
    const exchange: Exchange = {
      question, modelId, modelLabel: settings.models.find((m) => m.id === modelId)?.label ?? modelId, effort: settings.effort,
      answer: '', reasoning: '', status: 'running', startedAt: Date.now(), elapsedMs: 0,
      ...(context ? { context } : {}),
    };
    this.exchanges.push(exchange);
    return this.execute(exchange);
  }

  /** Runs the last question again (optionally with another model). Nothing the user asked is lost. */
  retry(modelId?: string): Promise<string | undefined> {
    const last = this.lastExchange;
    if (!last || this.running) return Promise.resolve(undefined);
    if (modelId) this.modelId = modelId;
    const settings = readSettings();
    last.modelId = this.modelId ?? settings.modelId;
    last.modelLabel = settings.models.find((m) => m.id === last.modelId)?.label ?? last.modelId;
    last.effort = settings.effort;
    Object.assign(last, { answer: '', reasoning: '', status: 'running', startedAt: Date.now(), elapsedMs: 0, usage: undefined, finish: undefined, error: undefined, notice: undefined, progress: undefined });
    return this.execute(last);
  }

  cancel(): void {
    this.abort?.abort();
  }

  /** The conversation for the model: every earlier exchange with its answer, then the new question. */
  private turnsUpTo(exchange: Exchange): Turn[] {
    const turns: Turn[] = [];
    for (const item of this.exchanges) {
      turns.push({ role: 'user', text: item.question, ...(item.context ? { context: item.context } : {}) });
      if (item === exchange) break;
      if (item.answer) turns.push({ role: 'assistant', text: item.answer });
    }
    return turns;
  }

  private async execute(exchange: Exchange): Promise<string | undefined> {
    const abort = new AbortController();
    this.abort = abort;
    this.ticker = setInterval(() => {
      exchange.elapsedMs = Date.now() - exchange.startedAt;
      this.render();
    }, 1000);
    this.render();
    let result: RunResult;
    try {
      result = await this.runner.run({
        source: `inline:${this.task}`,
        ...(exchange.modelId ? { modelId: exchange.modelId } : {}),
        effort: exchange.effort,
        instructions: INSTRUCTIONS[this.task],
        turns: this.turnsUpTo(exchange),
        signal: abort.signal,
        retry: () => this.retry(),
        onEvent: (event) => {
          switch (event.type) {
            case 'text': exchange.answer += event.delta; exchange.progress = undefined; this.scheduleRender(); break;
            case 'reasoning': exchange.reasoning += event.delta; this.scheduleRender(); break;
            case 'progress': exchange.progress = event.status.replace(/[….\s]+$/, ''); break;
            case 'usage': exchange.usage = event.usage; break;
            default: break;
          }
        },
      });
    } finally {
      clearInterval(this.ticker);
      this.ticker = undefined;
      this.abort = undefined;
    }
    if (result.model) exchange.modelLabel = result.model.label;
    exchange.answer = result.text;
    exchange.reasoning = result.reasoning;
    exchange.elapsedMs = result.elapsedMs;
    exchange.usage = result.usage;
    exchange.finish = result.finish;
    exchange.error = result.error;
    exchange.notice = result.notice;
    exchange.progress = undefined;
    exchange.status = result.error
      ? result.error.kind === 'cancelled' ? 'cancelled' : 'error'
      : result.finish && result.finish !== 'stop' ? 'incomplete' : 'done';
    this.render();
    return exchange.status === 'done' || (exchange.status === 'incomplete' && exchange.answer) ? exchange.answer : undefined;
  }

  private scheduleRender(): void {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.render();
    }, STREAM_RENDER_INTERVAL_MS);
  }

  render(): void {
    if (this.disposed) return;
    const last = this.lastExchange;
    const status = last?.status ?? 'done';
    const comments: vscode.Comment[] = [];
    for (const exchange of this.exchanges) {
      comments.push(userComment(exchange));
      const failed = exchange.status === 'error' && exchange.error;
      if (!failed || exchange.answer || exchange.reasoning.trim()) comments.push(this.answerComment(exchange));
      if (failed) comments.push(this.errorComment(exchange, exchange.error!));
    }
    this.thread.comments = comments;
    const seconds = last ? formatElapsed(last.status === 'running' ? Date.now() - last.startedAt : last.elapsedMs) : '';
    const head = last ? `Reasoner · ${last.modelLabel} · ${last.effort}` : 'Reasoner';
    this.thread.label = status === 'running'
      ? `${head} · ${last?.answer ? 'writing' : last?.progress ?? 'thinking'}… ${seconds}`
      : `${head} · ${STATUS_LABEL[status]}`;
    this.thread.contextValue = status === 'error' && last?.error && (last.error.kind === 'auth' || last.error.kind === 'no-key')
      ? 'reasoner-error-auth'
      : `reasoner-${status}`;
    this.thread.canReply = status !== 'running';
  }

  private answerComment(exchange: Exchange): vscode.Comment {
    const body = new vscode.MarkdownString('', true);
    body.supportHtml = true;
    if (exchange.reasoning.trim()) {
      body.appendMarkdown(`<details><summary>Reasoning summary</summary>\n\n${exchange.reasoning.trim()}\n\n</details>\n\n`);
    }
    if (exchange.answer) body.appendMarkdown(exchange.answer);
    else if (exchange.status === 'running') body.appendMarkdown(`*${escapeMarkdown(exchange.progress ?? 'Thinking')}… ${formatElapsed(Date.now() - exchange.startedAt)}*`);

    if (exchange.status === 'cancelled' || (exchange.status === 'error' && exchange.answer)) {
      body.appendMarkdown(`\n\n---\n\n$(warning) **${exchange.status === 'cancelled' ? 'Cancelled' : 'Incomplete'}**${exchange.answer ? ': the answer above is partial.' : '.'}`);
    }
    if (exchange.status === 'incomplete') {
      body.appendMarkdown(`\n\n---\n\n$(warning) **Incomplete** (${escapeMarkdown(exchange.finish ?? 'unknown')}). ${escapeMarkdown(exchange.notice ?? 'The answer above may be partial.')}`);
    }
    const footer = footerLine(exchange);
    if (footer) body.appendMarkdown(`\n\n---\n\n<sub>${footer}</sub>`);
    return {
      body,
      mode: vscode.CommentMode.Preview,
      author: { name: `${exchange.modelLabel} · ${exchange.effort}` },
      label: STATUS_LABEL[exchange.status],
      contextValue: `reasoner-answer-${exchange.status}`,
    };
  }

  /**
   * The failure and its actions, in a comment of its own: only this one may run
   * commands, and it holds no model output (the server's words are escaped).
   */
  private errorComment(exchange: Exchange, error: ApiError): vscode.Comment {
    const body = new vscode.MarkdownString('', true);
    body.appendMarkdown(`$(error) ${escapeMarkdown(error.userMessage)}`);
    if (error.requestId) body.appendMarkdown(` *(request ${escapeMarkdown(error.requestId)})*`);
    body.appendMarkdown(`\n\n${this.errorLinks(error)}`);
    body.isTrusted = { enabledCommands: THREAD_COMMANDS };
    return {
      body,
      mode: vscode.CommentMode.Preview,
      author: { name: `${exchange.modelLabel} · ${exchange.effort}` },
      label: STATUS_LABEL.error,
      contextValue: 'reasoner-error',
    };
  }

  private errorLinks(error: ApiError): string {
    const link = (title: string, command: string, args: unknown[] = []) =>
      `[${title}](command:${command}${args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : ''})`;
    const links: string[] = [];
    const actions = new Set(error.actions);
    if (error.kind === 'auth' || error.kind === 'no-key') actions.add('setApiKey');
    for (const action of actions) {
      switch (action) {
        case 'setApiKey': links.push(link(ERROR_ACTION_TITLES.setApiKey, COMMANDS.setApiKey)); break;
        case 'retry': links.push(link(ERROR_ACTION_TITLES.retry, COMMANDS.threadRetry, [this.id])); break;
        case 'switchModel': links.push(link(ERROR_ACTION_TITLES.switchModel, COMMANDS.threadAskAnotherModel, [this.id])); break;
        case 'lowerEffort': links.push(link(ERROR_ACTION_TITLES.lowerEffort, COMMANDS.selectReasoningEffort)); break;
        case 'openLog': links.push(link(ERROR_ACTION_TITLES.openLog, COMMANDS.showLog)); break;
        case 'openSettings': links.push(link(ERROR_ACTION_TITLES.openSettings, 'workbench.action.openSettings', ['reasoner.'])); break;
        case 'openBilling': links.push('[Open Billing](https://aimlapi.com/app/billing)'); break;
      }
    }
    if (!actions.has('retry') && error.kind !== 'no-key' && error.kind !== 'auth') links.unshift(link(ERROR_ACTION_TITLES.retry, COMMANDS.threadRetry, [this.id]));
    if (error.kind === 'no-key' || error.kind === 'auth') links.push(link(ERROR_ACTION_TITLES.retry, COMMANDS.threadRetry, [this.id]));
    return links.join(' · ');
  }

  dispose(): void {
    if (this.disposed) return;
    this.cancel();
    clearInterval(this.ticker);
    clearTimeout(this.renderTimer);
    this.disposed = true;
    this.thread.dispose();
    this.onDisposed(this);
  }
}

const STATUS_LABEL: Record<ExchangeStatus, string> = {
  running: 'running',
  done: 'done',
  incomplete: 'incomplete',
  cancelled: 'cancelled',
  error: 'failed',
};

function userComment(exchange: Exchange): vscode.Comment {
  const body = new vscode.MarkdownString();
  body.appendText(exchange.question);
  for (const context of exchange.context ?? []) body.appendMarkdown(`\n\n\`${escapeMarkdown(contextLabel(context))}\``);
  return { body, mode: vscode.CommentMode.Preview, author: { name: 'You' }, contextValue: 'reasoner-question' };
}

function footerLine(exchange: Exchange): string {
  if (exchange.status === 'running') return '';
  const parts: string[] = [];
  if (exchange.usage) {
    parts.push(`${exchange.usage.inputTokens.toLocaleString('en-US')} in`, `${exchange.usage.outputTokens.toLocaleString('en-US')} out`);
    parts.push(`${exchange.usage.reasoningTokens.toLocaleString('en-US')} reasoning`);
    if (exchange.usage.costUsd !== undefined) parts.push(formatCost(exchange.usage.costUsd));
  }
  parts.push(formatElapsed(exchange.elapsedMs));
  return parts.join(' · ');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}

/**
 * The comment controller "Reasoner" and its sessions. Keeps threads attached
 * to their code when lines change above them, and keeps answers for the life
 * of the window (closing an editor does not dispose its threads).
 */
export class InlineThreads implements vscode.Disposable {
  readonly controller = vscode.comments.createCommentController('reasoner', 'Reasoner');
  private readonly sessionsById = new Map<string, InlineSession>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private nextId = 1;

  constructor(private readonly runner: RequestRunner) {
    this.controller.options = { placeHolder: 'Ask a follow-up…', prompt: 'Reply to Reasoner' };
    this.subscriptions.push(vscode.workspace.onDidChangeTextDocument((event) => this.followEdits(event)));
  }

  get sessions(): readonly InlineSession[] {
    return [...this.sessionsById.values()];
  }

  /** The session for a thread given by a menu (CommentThread) or by id (command links). */
  find(target: unknown): InlineSession | undefined {
    if (typeof target === 'string') return this.sessionsById.get(target);
    if (target && typeof target === 'object') {
      const thread = (target as { thread?: vscode.CommentThread }).thread ?? target;
      return this.sessions.find((session) => session.thread === thread);
    }
    return undefined;
  }

  /** Opens a thread at `range` and asks the first question in it. */
  start(task: TaskKind, uri: vscode.Uri, range: vscode.Range, question: string, context: readonly CodeContext[], modelId?: string): { session: InlineSession; answer: Promise<string | undefined> } {
    const anchor = new vscode.Range(range.start.line, 0, range.end.line, 0);
    const thread = this.controller.createCommentThread(uri, anchor, []);
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    const session = new InlineSession(`thread-${this.nextId++}`, thread, task, this.runner, modelId, (s) => this.sessionsById.delete(s.id));
    this.sessionsById.set(session.id, session);
    return { session, answer: session.ask(question, context) };
  }

  private followEdits(event: vscode.TextDocumentChangeEvent): void {
    const affected = this.sessions.filter((session) => session.uri.toString() === event.document.uri.toString() && session.range);
    if (affected.length === 0) return;
    for (const session of affected) {
      let range = session.thread.range!;
      // Changes arrive ordered bottom-up within one event; each is in pre-change coordinates.
      for (const change of event.contentChanges) {
        const addedLines = (change.text.match(/\n/g) ?? []).length;
        const removedLines = change.range.end.line - change.range.start.line;
        const delta = addedLines - removedLines;
        if (delta === 0) continue;
        if (change.range.end.line < range.start.line || (change.range.end.line === range.start.line && change.range.end.character === 0 && change.range.start.line < range.start.line)) {
          range = new vscode.Range(Math.max(0, range.start.line + delta), 0, Math.max(0, range.end.line + delta), 0);
        } else if (change.range.start.line <= range.end.line && change.range.start.line >= range.start.line) {
          range = new vscode.Range(range.start.line, 0, Math.max(range.start.line, range.end.line + delta), 0);
        }
      }
      if (!range.isEqual(session.thread.range!)) session.thread.range = range;
    }
  }

  dispose(): void {
    for (const session of this.sessions) session.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.controller.dispose();
  }
}
