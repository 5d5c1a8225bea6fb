/**
 * The messages between the Compare Models page and the extension host: one
 * union per direction, and guards for what arrives. What the page sends is
 * untrusted (it renders model output): every field is checked for type and
 * size, unknown types are refused.
 *
 * Imported by src/webview too: no Node, no vscode.
 */
import type { AssistantTurn } from './conversation';
import { ERROR_ACTION_IDS, type ErrorActionId } from './errorPresenter';
import {
  ANSWER_CONTENT_FIELDS, hasMessageShape, id, isNotice, isObject, isString, parsePageMessage,
  type AnswerContentMessage, type Json, type MessageFields, type NoticeLevel, type ParseResult,
} from './pageMessages';

/** One model's answer: a column on the page. */
export interface CompareColumn {
  readonly turn: AssistantTurn;
  /** The person kept this answer: it went on as a chat conversation. */
  readonly kept: boolean;
}

/** Everything the page shows; sent whole on every `ready`. */
export interface CompareState {
  /** The comparison's id: the page keeps it (webview state) so that its tab comes back after a reload. */
  readonly id: string;
  readonly question: string;
  /** `sample.ts:6-10`, one per piece of code the question is about. */
  readonly contextLabels: readonly string[];
  readonly columns: readonly CompareColumn[];
}

// ---------------------------------------------------------------------------
// Host -> page

export type CompareHostMessage =
  | { readonly type: 'state'; readonly state: CompareState }
  /** Text appended to a streaming answer since the last delta. */
  | { readonly type: 'delta'; readonly turnId: string; readonly text: string; readonly reasoning: string }
  /** What the gateway is doing while no text arrives. */
  | { readonly type: 'progress'; readonly turnId: string; readonly status: string }
  /** A column's status, usage, error, final text or kept mark changed (or it started over). */
  | { readonly type: 'column'; readonly column: CompareColumn }
  | { readonly type: 'notice'; readonly level: NoticeLevel; readonly message: string };

export type CompareHostMessageType = CompareHostMessage['type'];

/** Dropped, not queued, while the page is not listening: the `state` sent on `ready` holds them. */
export const COMPARE_STATE_MESSAGE_TYPES: ReadonlySet<CompareHostMessageType> = new Set<CompareHostMessageType>(['state', 'delta', 'progress', 'column']);

// ---------------------------------------------------------------------------
// Page -> host

export type ComparePageMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'stop'; readonly turnId: string }
  | { readonly type: 'retry'; readonly turnId: string }
  /** One of the error presenter's actions, for a failed column. */
  | { readonly type: 'action'; readonly action: ErrorActionId; readonly turnId: string }
  | { readonly type: 'keep'; readonly turnId: string }
  | AnswerContentMessage;

export type ComparePageMessageType = ComparePageMessage['type'];

const turnId = id('turnId');

/** One entry per message type: a type without its checks does not compile. */
const PAGE_FIELDS: MessageFields<ComparePageMessage> = {
  ready: [],
  stop: [turnId],
  retry: [turnId],
  action: [(m) => (ERROR_ACTION_IDS as readonly unknown[]).includes(m.action) ? undefined : '"action" is not an action', turnId],
  keep: [turnId],
  ...ANSWER_CONTENT_FIELDS,
};

export type ParsedComparePageMessage = ParseResult<ComparePageMessage>;

/** Validates a message from the page; the error says what was wrong, for the log. */
export function parseComparePageMessage(value: unknown): ParsedComparePageMessage {
  return parsePageMessage<ComparePageMessage>(value, PAGE_FIELDS);
}

const isColumn = (v: unknown): boolean => isObject(v) && typeof v.kept === 'boolean' && isObject(v.turn)
  && isString(v.turn.id) && v.turn.role === 'assistant' && isString(v.turn.status) && isString(v.turn.text) && isString(v.turn.modelId);

const HOST_FIELDS: { readonly [K in CompareHostMessageType]: (m: Json) => boolean } = {
  state: (m) => isObject(m.state) && isString(m.state.id) && isString(m.state.question) && Array.isArray(m.state.contextLabels)
    && Array.isArray(m.state.columns) && m.state.columns.every(isColumn),
  delta: (m) => isString(m.turnId) && isString(m.text) && isString(m.reasoning),
  progress: (m) => isString(m.turnId) && isString(m.status),
  column: (m) => isColumn(m.column),
  notice: isNotice,
};

/** Host messages come from our own host; the page still checks their shape so that a stale page fails loudly. */
export function isCompareHostMessage(value: unknown): value is CompareHostMessage {
  return hasMessageShape<CompareHostMessage>(value, HOST_FIELDS);
}
