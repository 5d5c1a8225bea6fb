/**
 * The chat conversation model: turns with their own model, effort, usage and
 * status, plus the pure operations on it (title, request turns, labels,
 * validation of what comes back from disk; the Markdown export is in
 * conversationMarkdown.ts). Plain TypeScript: the host owns and mutates
 * conversations; the webview only ever sees snapshots of them.
 */
import type { CodeContext, FinishReason, ReasoningEffort, Turn, Usage } from './types';
import { isReasoningEffort } from './types';
import { isErrorActionId, type ErrorActionId } from './errorPresenter';
import { type ImageAttachment, isImageList } from './images';

export const CONVERSATION_VERSION = 1;

/** `streaming` while the request runs; `incomplete` when the model stopped early (length, filter). */
export type TurnStatus = 'streaming' | 'complete' | 'stopped' | 'error' | 'incomplete';
export const TURN_STATUSES: readonly TurnStatus[] = ['streaming', 'complete', 'stopped', 'error', 'incomplete'];


/** A failure as stored with the turn: serializable, with the server's own words kept. */
export interface TurnError {
  readonly kind: string;
  /** One line for people, already saying what to do. */
  readonly message: string;
  /** What the gateway said, verbatim (trimmed), when it said anything. */
  readonly serverMessage?: string;
  readonly status?: number;
  readonly requestId?: string;
  /** What a person can do about it, as the error presenter's ids (rendered by every surface the same way). */
  readonly actions: readonly ErrorActionId[];
}

export interface UserTurn {
  readonly role: 'user';
  readonly id: string;
  readonly text: string;
  readonly context?: readonly CodeContext[];
  /** Sent as the API's image parts with this turn (and with every later one, to models that take images). */
  readonly images?: readonly ImageAttachment[];
  readonly createdAt: number;
}

export interface AssistantTurn {
  readonly role: 'assistant';
  readonly id: string;
  /** The model this turn was asked of: a conversation may switch models between turns. */
  modelId: string;
  modelLabel?: string;
  effort: ReasoningEffort;
  status: TurnStatus;
  text: string;
  /** The reasoning summary (responses API), shown collapsed. */
  reasoning: string;
  readonly createdAt: number;
  completedAt?: number;
  elapsedMs?: number;
  usage?: Usage;
  finish?: FinishReason;
  error?: TurnError;
  requestId?: string;
  /** While `streaming`: the gateway's background job (o3-pro), which a reload goes on polling. */
  jobId?: string;
  /** Something to know about a finished answer: empty because the budget went to reasoning, or cut off. */
  notice?: string;
  /** What the gateway is doing while no text arrives; only while streaming, never stored. */
  progress?: string;
}

export type ChatTurn = UserTurn | AssistantTurn;

export interface Conversation {
  readonly version: number;
  readonly id: string;
  title: string;
  /** `user` once renamed: the automatic title never overwrites a chosen one. */
  titleSource: 'auto' | 'user';
  readonly createdAt: number;
  updatedAt: number;
  turns: ChatTurn[];
}

/** What the conversation list and the history index hold: enough to list without loading. */
export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly turnCount: number;
  readonly modelId?: string;
}

export const UNTITLED = 'New chat';
const TITLE_MAX = 60;
/** Ids become file names: keep them to a safe alphabet so no path can be smuggled in. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

function randomPart(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}-${now.toString(36)}-${randomPart()}`;
}

export function createConversation(now = Date.now()): Conversation {
  return {
    version: CONVERSATION_VERSION,
    id: newId('c', now),
    title: UNTITLED,
    titleSource: 'auto',
    createdAt: now,
    updatedAt: now,
    turns: [],
  };
}

/** The first line of the first prompt, shortened on a word boundary. */
export function autoTitle(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const collapsed = line.replace(/\s+/g, ' ');
  if (collapsed.length === 0) return UNTITLED;
  if (collapsed.length <= TITLE_MAX) return collapsed;
  const cut = collapsed.slice(0, TITLE_MAX);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function normalizeTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function addUserTurn(
  conversation: Conversation, text: string, context: readonly CodeContext[] = [], now = Date.now(), images: readonly ImageAttachment[] = [],
): UserTurn {
  const turn: UserTurn = {
    role: 'user',
    id: newId('u', now),
    text,
    ...(context.length > 0 ? { context: [...context] } : {}),
    ...(images.length > 0 ? { images: [...images] } : {}),
    createdAt: now,
  };
  conversation.turns.push(turn);
  if (conversation.titleSource === 'auto' && conversation.turns.filter((t) => t.role === 'user').length === 1) {
    conversation.title = autoTitle(text || context[0]?.fileName || (images[0] ? `Image: ${images[0].name}` : ''));
  }
  conversation.updatedAt = now;
  return turn;
}

export function startAssistantTurn(
  conversation: Conversation,
  model: { readonly id: string; readonly label?: string },
  effort: ReasoningEffort,
  now = Date.now(),
): AssistantTurn {
  const turn: AssistantTurn = {
    role: 'assistant',
    id: newId('a', now),
    modelId: model.id,
    ...(model.label ? { modelLabel: model.label } : {}),
    effort,
    status: 'streaming',
    text: '',
    reasoning: '',
    createdAt: now,
  };
  conversation.turns.push(turn);
  conversation.updatedAt = now;
  return turn;
}

/**
 * A copy with an id of its own, for another surface to own ("Open in Chat"
 * hands an inline thread's conversation to the chat). Answers still being
 * written are marked incomplete in the copy; the original keeps streaming.
 */
export function copyConversation(source: Conversation, now = Date.now()): Conversation {
  const copy = JSON.parse(JSON.stringify(source)) as Conversation;
  (copy as { id: string }).id = newId('c', now);
  copy.updatedAt = now;
  for (const turn of copy.turns) {
    if (turn.role !== 'assistant') continue;
    delete turn.progress;
    if (turn.status === 'streaming') {
      turn.status = 'incomplete';
      turn.notice = 'This answer was still being written when it was copied here.';
      turn.completedAt = now;
    }
  }
  return copy;
}

export function findTurn(conversation: Conversation, turnId: string): ChatTurn | undefined {
  return conversation.turns.find((t) => t.id === turnId);
}

/** The user turn an assistant turn answers: the nearest user turn before it. */
export function promptFor(conversation: Conversation, assistantTurnId: string): UserTurn | undefined {
  const index = conversation.turns.findIndex((t) => t.id === assistantTurnId);
  for (let i = index - 1; i >= 0; i--) {
    const turn = conversation.turns[i];
    if (turn?.role === 'user') return turn;
  }
  return undefined;
}

/** Status of a finished run, from what the runner reported. */
export function statusFor(outcome: { readonly stopped: boolean; readonly failed: boolean; readonly finish?: FinishReason }): TurnStatus {
  if (outcome.stopped) return 'stopped';
  if (outcome.failed) return 'error';
  const finish = outcome.finish;
  if (finish === 'cancelled') return 'stopped';
  if (finish === 'length' || finish === 'content_filter' || (finish !== undefined && finish.startsWith('incomplete'))) return 'incomplete';
  return 'complete';
}

export interface RequestTurnOptions {
  /**
   * False when the model cannot take images: images of earlier prompts are then
   * left out, each replaced by a line saying so, so that a conversation can go on
   * with a text-only model. The prompt's own images are always kept (sending
   * them to such a model is refused before anything is sent).
   */
  readonly imageInput?: boolean;
}

/** What stands in for images a text-only model is not sent. */
export function omittedImagesNote(images: readonly ImageAttachment[]): string {
  const names = images.map((image) => image.name).join(', ');
  return `[${images.length === 1 ? 'An image' : `${images.length} images`} (${names}) attached here ${images.length === 1 ? 'is' : 'are'} not included: this model does not take images.]`;
}

/**
 * The turns sent to the model for a request whose prompt is the last user turn
 * up to `uptoTurnId` (inclusive; default: the whole conversation). Answers
 * without text (failed, or stopped before the first token) are left out: the
 * model needs no empty assistant messages, and the prompts stay in.
 */
export function toRequestTurns(conversation: Conversation, uptoTurnId?: string, options: RequestTurnOptions = {}): Turn[] {
  const turns: Turn[] = [];
  const end = uptoTurnId === undefined ? -1 : conversation.turns.findIndex((t) => t.id === uptoTurnId);
  const last = end >= 0 ? end : conversation.turns.length - 1;
  let prompt = -1;
  for (let i = last; i >= 0; i--) {
    if (conversation.turns[i]?.role === 'user') { prompt = i; break; }
  }
  for (const [index, turn] of conversation.turns.entries()) {
    if (turn.role === 'user') {
      const images = turn.images ?? [];
      const keepImages = images.length > 0 && (options.imageInput !== false || index === prompt);
      const text = images.length > 0 && !keepImages ? `${turn.text}${turn.text ? '\n\n' : ''}${omittedImagesNote(images)}` : turn.text;
      turns.push({
        role: 'user', text,
        ...(turn.context && turn.context.length > 0 ? { context: turn.context } : {}),
        ...(keepImages ? { images } : {}),
      });
    } else if (turn.text.trim().length > 0 && turn.status !== 'streaming') {
      turns.push({ role: 'assistant', text: turn.text });
    }
    if (turn.id === uptoTurnId) break;
  }
  return turns;
}

export function summarize(conversation: Conversation): ConversationSummary {
  let modelId: string | undefined;
  for (const turn of conversation.turns) if (turn.role === 'assistant') modelId = turn.modelId;
  return {
    id: conversation.id,
    title: conversation.title,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    turnCount: conversation.turns.length,
    ...(modelId ? { modelId } : {}),
  };
}

/**
 * A turn left `streaming` on disk was cut off by a reload or crash: say so, keep the prompt retryable.
 * A turn waiting on a background job stays `streaming`: the job goes on at the gateway and is fetched again.
 */
export function recoverInterrupted(conversation: Conversation): boolean {
  let changed = false;
  for (const turn of conversation.turns) {
    if (turn.role === 'assistant' && markInterrupted(turn)) changed = true;
  }
  return changed;
}

/** Ends an answer that was streaming when its window went away as interrupted, unless a background job still runs it. */
export function markInterrupted(turn: AssistantTurn): boolean {
  if (turn.status !== 'streaming' || turn.jobId !== undefined) return false;
  turn.status = 'error';
  turn.error = {
    kind: 'interrupted',
    message: 'This answer was interrupted when the window reloaded or VS Code closed.',
    actions: ['retry'],
  };
  return true;
}

// ---------------------------------------------------------------------------
// Labels: code context and time

export function contextLabel(context: CodeContext): string {
  const base = context.fileName.split(/[\\/]/).pop() || context.fileName;
  const symbol = context.symbol !== undefined ? ` · ${context.symbol}` : '';
  if (context.startLine === undefined) return `${base}${symbol}`;
  const end = context.endLine ?? context.startLine;
  return `${base}:${context.startLine}${end === context.startLine ? '' : `-${end}`}${symbol}`;
}

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
}

// ---------------------------------------------------------------------------
// Validation of stored conversations (files on disk are untrusted input)

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optional = <T>(v: unknown, guard: (x: unknown) => x is T): boolean => v === undefined || guard(v);


export function isCodeContext(v: unknown): v is CodeContext {
  return isObject(v) && isString(v.fileName) && isString(v.languageId) && isString(v.code)
    && optional(v.startLine, isFiniteNumber) && optional(v.endLine, isFiniteNumber)
    && optional(v.before, isString) && optional(v.after, isString) && optional(v.symbol, isString);
}

function isUsage(v: unknown): v is Usage {
  return isObject(v) && isFiniteNumber(v.inputTokens) && isFiniteNumber(v.outputTokens) && isFiniteNumber(v.reasoningTokens)
    && optional(v.cachedInputTokens, isFiniteNumber) && optional(v.costUsd, isFiniteNumber) && optional(v.credits, isFiniteNumber);
}

function isFinishReason(v: unknown): v is FinishReason {
  return v === 'stop' || v === 'length' || v === 'content_filter' || v === 'cancelled' || (isString(v) && v.startsWith('incomplete:'));
}

function isTurnError(v: unknown): v is TurnError {
  return isObject(v) && isString(v.kind) && isString(v.message) && optional(v.serverMessage, isString)
    && optional(v.status, isFiniteNumber) && optional(v.requestId, isString)
    && Array.isArray(v.actions) && v.actions.every(isErrorActionId);
}

export function isChatTurn(v: unknown): v is ChatTurn {
  if (!isObject(v) || !isString(v.id) || !isString(v.text) || !isFiniteNumber(v.createdAt)) return false;
  if (v.role === 'user') {
    return (v.context === undefined || (Array.isArray(v.context) && v.context.every(isCodeContext)))
      && (v.images === undefined || isImageList(v.images));
  }
  if (v.role !== 'assistant') return false;
  return isString(v.modelId) && optional(v.modelLabel, isString) && isReasoningEffort(v.effort)
    && (TURN_STATUSES as readonly unknown[]).includes(v.status) && isString(v.reasoning)
    && optional(v.completedAt, isFiniteNumber) && optional(v.elapsedMs, isFiniteNumber)
    && optional(v.usage, isUsage) && optional(v.finish, isFinishReason) && optional(v.error, isTurnError)
    && optional(v.requestId, isString) && optional(v.notice, isString) && optional(v.jobId, isString);
}

/** A conversation read from disk, or undefined when its shape is wrong (treated like corruption). */
export function parseConversation(value: unknown): Conversation | undefined {
  if (!isObject(value)) return undefined;
  if (value.version !== CONVERSATION_VERSION) return undefined;
  if (!isString(value.id) || !ID_PATTERN.test(value.id)) return undefined;
  if (!isString(value.title) || !(value.titleSource === 'auto' || value.titleSource === 'user')) return undefined;
  if (!isFiniteNumber(value.createdAt) || !isFiniteNumber(value.updatedAt)) return undefined;
  if (!Array.isArray(value.turns) || !value.turns.every(isChatTurn)) return undefined;
  return value as unknown as Conversation;
}

export function isConversationSummary(v: unknown): v is ConversationSummary {
  return isObject(v) && isString(v.id) && ID_PATTERN.test(v.id) && isString(v.title)
    && isFiniteNumber(v.createdAt) && isFiniteNumber(v.updatedAt) && isFiniteNumber(v.turnCount)
    && optional(v.modelId, isString);
}
