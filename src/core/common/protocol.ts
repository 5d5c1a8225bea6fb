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

/** Everything the page shows; sent whole on every `ready` (the page keeps no state of its own). */
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
  | { readonly type: 'notice'; readonly level: 'info' | 'warning' | 'error'; readonly message: string };

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
  | { readonly type: 'ready' }
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
  | { readonly type: 'copyCode'; readonly code: string }
  | { readonly type: 'insertCode'; readonly code: string }
  | { readonly type: 'applyCode'; readonly code: string; readonly languageId: string }
  | { readonly type: 'newFile'; readonly code: string; readonly languageId: string }
  | { readonly type: 'openLink'; readonly href: string };

export type WebviewMessageType = WebviewMessage['type'];

export const LIMITS = {
  promptChars: 200_000,
  codeChars: 2_000_000,
  titleChars: 200,
  hrefChars: 8_192,
  idChars: 80,
  modelIdChars: 200,
  languageIdChars: 100,
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

type Json = Record<string, unknown>;
type FieldCheck = (message: Json) => string | undefined;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ACTIONS: readonly string[] = ERROR_ACTION_IDS;
const ID = /^[A-Za-z0-9_-]+$/;

function str(field: string, max: number, opts: { nonEmpty?: boolean; pattern?: RegExp } = {}): FieldCheck {
  return (m) => {
    const v = m[field];
    if (typeof v !== 'string') return `"${field}" must be a string`;
    if (v.length > max) return `"${field}" is longer than ${max} characters`;
    if (opts.nonEmpty && v.trim().length === 0) return `"${field}" must not be empty`;
    if (opts.pattern && !opts.pattern.test(v)) return `"${field}" has an invalid format`;
    return undefined;
  };
}
const id = (field: string): FieldCheck => str(field, LIMITS.idChars, { pattern: ID });
const oneOf = (field: string, values: readonly string[]): FieldCheck => (m) =>
  typeof m[field] === 'string' && values.includes(m[field] as string) ? undefined : `"${field}" must be one of ${values.join(', ')}`;

/** One entry per message type: adding a type without its checks does not compile. */
const WEBVIEW_FIELDS: { readonly [K in WebviewMessageType]: readonly FieldCheck[] } = {
  ready: [],
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
  copyCode: [str('code', LIMITS.codeChars)],
  insertCode: [str('code', LIMITS.codeChars)],
  applyCode: [str('code', LIMITS.codeChars), str('languageId', LIMITS.languageIdChars)],
  newFile: [str('code', LIMITS.codeChars), str('languageId', LIMITS.languageIdChars)],
  openLink: [str('href', LIMITS.hrefChars, { nonEmpty: true })],
};

export type ParseResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

/** Validates a message from the webview; the error says what was wrong, for the log. */
export function parseWebviewMessage(value: unknown): ParseResult<WebviewMessage> {
  if (!isObject(value)) return { ok: false, error: 'message is not an object' };
  const type = value.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(WEBVIEW_FIELDS, type)) {
    return { ok: false, error: `unknown message type ${JSON.stringify(type)?.slice(0, 60) ?? String(type)}` };
  }
  for (const check of WEBVIEW_FIELDS[type as WebviewMessageType]) {
    const problem = check(value);
    if (problem) return { ok: false, error: `${type}: ${problem}` };
  }
  return { ok: true, message: value as unknown as WebviewMessage };
}

export function isWebviewMessage(value: unknown): value is WebviewMessage {
  return parseWebviewMessage(value).ok;
}

// Host messages come from our own host; the webview still checks their shape so a
// mismatch between a stale page and a new host fails loudly instead of half-rendering.
const isString = (v: unknown): boolean => typeof v === 'string';
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
  notice: (m) => (m.level === 'info' || m.level === 'warning' || m.level === 'error') && isString(m.message),
};

export function isHostMessage(value: unknown): value is HostMessage {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  if (!Object.prototype.hasOwnProperty.call(HOST_FIELDS, value.type)) return false;
  return HOST_FIELDS[value.type as HostMessageType](value);
}

/** For `default:` branches of exhaustive switches. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
