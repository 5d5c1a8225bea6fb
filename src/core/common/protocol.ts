/**
 * The messages between the chat webview and the extension host: one
 * discriminated union per direction, and runtime guards for what arrives.
 *
 * The host treats every webview message as untrusted input (the page renders
 * model output; if anything ever slipped past the sanitizer it could post
 * messages): {@link parseWebviewMessage} checks each field's type and size and
 * rejects unknown types. The webview checks host messages with
 * {@link isHostMessage} before acting on them.
 *
 * Imported by src/webview too: types only from other modules, no Node, no vscode.
 */
import type { AssistantTurn, ChatTurn, Conversation, ConversationSummary } from './conversation';
import { ERROR_ACTION_IDS, type ErrorActionId } from './errorPresenter';
import { IMAGE_LIMITS, type ImageAttachment, isImageAttachment } from './images';
import {
  ANSWER_CONTENT_FIELDS, PAGE_LIMITS, hasMessageShape, id, isNotice, isObject, isString, oneOf, parsePageMessage, str,
  type AnswerContentMessage, type Json, type NoticeLevel, type MessageFields, type ParseResult,
} from './pageMessages';
import { REASONING_EFFORTS, type CodeContext, type ModelApi, type ReasoningEffort } from './types';

export interface ModelOption {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly api: ModelApi;
  /** The model takes images (absent: it does not). */
  readonly imageInput?: boolean;
}

/** `definition`: one the attached code uses, found by the language providers (never asked for by the page). */
export type ContextKind = 'selection' | 'file' | 'definition';

/** Code attached to the next prompt, shown as a removable chip above the composer. */
export interface ContextChip {
  readonly id: string;
  readonly kind: ContextKind;
  /** `file.ts:10-20` */
  readonly label: string;
  readonly context: CodeContext;
}

/** An image waiting for the next prompt, shown as a removable chip with a thumbnail. */
export interface ImageChip extends ImageAttachment {
  readonly id: string;
}

export interface ComposerSettings {
  readonly modelId: string;
  readonly effort: ReasoningEffort;
}

/** Everything the page shows; the page is created with it and sent it whole on `ready` when it changed since (the page keeps no state of its own). */
export interface ChatState {
  readonly conversations: readonly ConversationSummary[];
  readonly active: Conversation;
  /** The active conversation has a request running. */
  readonly running: boolean;
  readonly models: readonly ModelOption[];
  readonly efforts: readonly ReasoningEffort[];
  readonly composer: ComposerSettings;
  readonly contexts: readonly ContextChip[];
  readonly images: readonly ImageChip[];
}

/**
 * What the chat page is created with, embedded in its HTML (src/core/common/pageData.ts): the state as of
 * `revision`, a number the host raises at every change of its state. The page draws it at once and
 * names the revision in `ready`; the host sends the state again only when it has changed since.
 */
export interface ChatPageData {
  readonly revision: number;
  readonly state: ChatState;
}

/** The embedded data, checked as a `state` message is: anything else is not drawn (the page then waits for `ready`'s answer). */
export function isChatPageData(value: unknown): value is ChatPageData {
  return isObject(value) && isRevision(value.revision) && isHostMessage({ type: 'state', state: value.state });
}

const isRevision = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

// ---------------------------------------------------------------------------
// Host -> webview

export type HostMessage =
  | { readonly type: 'state'; readonly state: ChatState }
  | { readonly type: 'conversations'; readonly conversations: readonly ConversationSummary[] }
  /** The active conversation changed or was replaced (switch, retry, rename). */
  | { readonly type: 'conversation'; readonly conversation: Conversation; readonly running: boolean }
  | { readonly type: 'turnAdded'; readonly conversationId: string; readonly turn: ChatTurn }
  /** Text appended to a streaming answer since the last delta. */
  | { readonly type: 'turnDelta'; readonly conversationId: string; readonly turnId: string; readonly text: string; readonly reasoning: string }
  /** What the gateway is doing while no text arrives (waiting, retrying, polling). */
  | { readonly type: 'turnProgress'; readonly conversationId: string; readonly turnId: string; readonly status: string }
  /** Status, usage, error or final text of an answer changed. */
  | { readonly type: 'turnUpdated'; readonly conversationId: string; readonly turn: AssistantTurn }
  | { readonly type: 'running'; readonly conversationId: string; readonly running: boolean }
  | { readonly type: 'contexts'; readonly contexts: readonly ContextChip[] }
  | { readonly type: 'images'; readonly images: readonly ImageChip[] }
  | { readonly type: 'models'; readonly models: readonly ModelOption[]; readonly composer: ComposerSettings }
  /** Put text in the composer (a prompt that could not be sent is never lost). */
  | { readonly type: 'setDraft'; readonly text: string }
  | { readonly type: 'focusComposer' }
  | { readonly type: 'notice'; readonly level: NoticeLevel; readonly message: string };

export type HostMessageType = HostMessage['type'];

/**
 * Messages that only mirror host state. While the page is not listening they
 * are dropped, not queued: the full `state` sent on `ready` already contains them.
 */
export const STATE_MESSAGE_TYPES: ReadonlySet<HostMessageType> = new Set<HostMessageType>([
  'state', 'conversations', 'conversation', 'turnAdded', 'turnDelta', 'turnProgress', 'turnUpdated', 'running', 'contexts', 'images', 'models',
]);

// ---------------------------------------------------------------------------
// Webview -> host

/** Commands an error's buttons may run; nothing else can be asked for by name. */
export type ActionCommand = ErrorActionId;

export type WebviewMessage =
  /** `shown`: the revision of the embedded state the page drew ({@link ChatPageData}); absent when it drew none. */
  | { readonly type: 'ready'; readonly shown?: number }
  | { readonly type: 'send'; readonly text: string; readonly modelId: string; readonly effort: ReasoningEffort }
  | { readonly type: 'stop' }
  /** Turns are named with their conversation: the page may show another one by the time the host acts. */
  | { readonly type: 'retry'; readonly conversationId: string; readonly turnId: string }
  | { readonly type: 'action'; readonly action: ActionCommand; readonly conversationId: string; readonly turnId: string }
  | { readonly type: 'setComposer'; readonly modelId: string; readonly effort: ReasoningEffort }
  | { readonly type: 'addContext'; readonly kind: ContextKind }
  | { readonly type: 'removeContext'; readonly id: string }
  /**
   * A pasted or dropped image: its file name and its bytes as base64 (no `data:` prefix).
   * No type is declared: the host reads it from the data itself.
   */
  | { readonly type: 'addImage'; readonly name: string; readonly data: string }
  | { readonly type: 'removeImage'; readonly id: string }
  /** Asks the host to open its file picker for images. */
  | { readonly type: 'pickImages' }
  | { readonly type: 'newChat' }
  | { readonly type: 'switchConversation'; readonly id: string }
  | { readonly type: 'renameConversation'; readonly id: string; readonly title: string }
  | { readonly type: 'deleteConversation'; readonly id: string }
  | { readonly type: 'exportConversation'; readonly id: string }
  | AnswerContentMessage;

export type WebviewMessageType = WebviewMessage['type'];

export const LIMITS = {
  ...PAGE_LIMITS,
  promptChars: 200_000,
  titleChars: 200,
  modelIdChars: 200,
  /** Decoded size of one image and images per prompt (the host refuses more, with a message). */
  imageBytes: IMAGE_LIMITS.maxBytes,
  imagesPerMessage: IMAGE_LIMITS.maxPerMessage,
  imageNameChars: IMAGE_LIMITS.nameChars,
  /**
   * Base64 text of an `addImage`: twice the image limit, so that an image a little
   * too large still reaches the host and is refused with a message saying its size;
   * anything larger is not a message our page would send.
   */
  imageDataChars: Math.ceil((2 * IMAGE_LIMITS.maxBytes) / 3) * 4,
} as const;

const ACTIONS: readonly string[] = ERROR_ACTION_IDS;

/** One entry per message type: adding a type without its checks does not compile. */
const WEBVIEW_FIELDS: MessageFields<WebviewMessage> = {
  ready: [(m) => (m.shown === undefined || isRevision(m.shown) ? undefined : '"shown" must be a revision number')],
  send: [str('text', LIMITS.promptChars), str('modelId', LIMITS.modelIdChars, { nonEmpty: true }), oneOf('effort', REASONING_EFFORTS)],
  stop: [],
  retry: [id('conversationId'), id('turnId')],
  action: [oneOf('action', ACTIONS), id('conversationId'), id('turnId')],
  setComposer: [str('modelId', LIMITS.modelIdChars, { nonEmpty: true }), oneOf('effort', REASONING_EFFORTS)],
  addContext: [oneOf('kind', ['selection', 'file'])],
  removeContext: [id('id')],
  addImage: [str('name', LIMITS.imageNameChars), str('data', LIMITS.imageDataChars, { nonEmpty: true })],
  removeImage: [id('id')],
  pickImages: [],
  newChat: [],
  switchConversation: [id('id')],
  renameConversation: [id('id'), str('title', LIMITS.titleChars, { nonEmpty: true })],
  deleteConversation: [id('id')],
  exportConversation: [id('id')],
  ...ANSWER_CONTENT_FIELDS,
};

export type { ParseResult };

/** Validates a message from the webview; the error says what was wrong, for the log. */
export function parseWebviewMessage(value: unknown): ParseResult<WebviewMessage> {
  return parsePageMessage<WebviewMessage>(value, WEBVIEW_FIELDS);
}

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  return parseWebviewMessage(value).ok;
}

const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isArray = (v: unknown): boolean => Array.isArray(v);
const isConversationLike = (v: unknown): boolean => isObject(v) && isString(v.id) && isString(v.title) && Array.isArray(v.turns);
const isTurnLike = (v: unknown): boolean => isObject(v) && isString(v.id) && (v.role === 'user' || v.role === 'assistant') && isString(v.text);
const isAssistantLike = (v: unknown): boolean => isTurnLike(v) && (v as Json).role === 'assistant' && isString((v as Json).status);
/** Image data the page turns into thumbnails: only image `data:` URLs of the types we take, checked in full. */
const isImageChipLike = (v: unknown): boolean => isObject(v) && isString(v.id) && isImageAttachment(v);
const isImageChips = (v: unknown): boolean => Array.isArray(v) && v.length <= LIMITS.imagesPerMessage && v.every(isImageChipLike);

const HOST_FIELDS: { readonly [K in HostMessageType]: (m: Json) => boolean } = {
  state: (m) => isObject(m.state) && isConversationLike(m.state.active) && isArray(m.state.conversations)
    && isArray(m.state.models) && isArray(m.state.contexts) && isImageChips(m.state.images) && isObject(m.state.composer) && isBool(m.state.running),
  conversations: (m) => isArray(m.conversations),
  conversation: (m) => isConversationLike(m.conversation) && isBool(m.running),
  turnAdded: (m) => isString(m.conversationId) && isTurnLike(m.turn),
  turnDelta: (m) => isString(m.conversationId) && isString(m.turnId) && isString(m.text) && isString(m.reasoning),
  turnProgress: (m) => isString(m.conversationId) && isString(m.turnId) && isString(m.status),
  turnUpdated: (m) => isString(m.conversationId) && isAssistantLike(m.turn),
  running: (m) => isString(m.conversationId) && isBool(m.running),
  contexts: (m) => isArray(m.contexts),
  images: (m) => isImageChips(m.images),
  models: (m) => isArray(m.models) && isObject(m.composer),
  setDraft: (m) => isString(m.text),
  focusComposer: () => true,
  notice: isNotice,
};

export function isHostMessage(value: unknown): value is HostMessage {
  return hasMessageShape<HostMessage>(value, HOST_FIELDS);
}

/** For `default:` branches of exhaustive switches. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
