/**
 * What every page that shows answers (the chat, Compare Models) sends about
 * their content, and the checks each page's protocol builds its guard from.
 * What a page sends is untrusted (it renders model output): every field is
 * checked for type and size, unknown types are refused, and the error says
 * what was wrong, for the log.
 *
 * Imported by src/webview too: no Node, no vscode.
 */

/** The buttons on a code block in an answer. */
export type CodeBlockMessage =
  | { readonly type: 'copyCode'; readonly code: string }
  | { readonly type: 'insertCode'; readonly code: string }
  | { readonly type: 'applyCode'; readonly code: string; readonly languageId: string }
  | { readonly type: 'newFile'; readonly code: string; readonly languageId: string };

/** A link in an answer was clicked: the page never navigates, the host decides. */
export interface OpenLinkMessage {
  readonly type: 'openLink';
  readonly href: string;
}

export type AnswerContentMessage = CodeBlockMessage | OpenLinkMessage;
export type AnswerContentMessageType = AnswerContentMessage['type'];

export type NoticeLevel = 'info' | 'warning' | 'error';

/** The `data-code-action` of a code block's button, and the message it sends. */
export const CODE_BLOCK_MESSAGE_TYPES = { copy: 'copyCode', insert: 'insertCode', apply: 'applyCode', newFile: 'newFile' } as const;
export type CodeBlockAction = keyof typeof CODE_BLOCK_MESSAGE_TYPES;

/** The message for a code block's button; undefined for a button that is not one of ours. */
export function codeBlockMessage(action: string | undefined, code: string, languageId: string): CodeBlockMessage | undefined {
  if (action === undefined || !Object.prototype.hasOwnProperty.call(CODE_BLOCK_MESSAGE_TYPES, action)) return undefined;
  const type = CODE_BLOCK_MESSAGE_TYPES[action as CodeBlockAction];
  return type === 'copyCode' || type === 'insertCode' ? { type, code } : { type, code, languageId };
}

export const PAGE_LIMITS = { idChars: 80, codeChars: 2_000_000, languageIdChars: 100, hrefChars: 8_192 } as const;

export type Json = Record<string, unknown>;
/** One field's check: what is wrong with it, or undefined. */
export type FieldCheck = (message: Json) => string | undefined;
/** One entry per message type: a type without its checks does not compile. */
export type MessageFields<M extends { readonly type: string }> = { readonly [K in M['type']]: readonly FieldCheck[] };

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function str(field: string, max: number, opts: { readonly nonEmpty?: boolean; readonly pattern?: RegExp } = {}): FieldCheck {
  return (m) => {
    const v = m[field];
    if (typeof v !== 'string') return `"${field}" must be a string`;
    if (v.length > max) return `"${field}" is longer than ${max} characters`;
    if (opts.nonEmpty && v.trim().length === 0) return `"${field}" must not be empty`;
    if (opts.pattern && !opts.pattern.test(v)) return `"${field}" has an invalid format`;
    return undefined;
  };
}

const ID = /^[A-Za-z0-9_-]+$/;
/** A conversation's, turn's or chip's id: it may name a file, so no dots or slashes. */
export const id = (field: string): FieldCheck => str(field, PAGE_LIMITS.idChars, { pattern: ID });

export const oneOf = (field: string, values: readonly string[]): FieldCheck => (m) =>
  typeof m[field] === 'string' && values.includes(m[field] as string) ? undefined : `"${field}" must be one of ${values.join(', ')}`;

const code = str('code', PAGE_LIMITS.codeChars);
const languageId = str('languageId', PAGE_LIMITS.languageIdChars);

/** The checks of the messages every page with answers sends. */
export const ANSWER_CONTENT_FIELDS: MessageFields<AnswerContentMessage> = {
  copyCode: [code],
  insertCode: [code],
  applyCode: [code, languageId],
  newFile: [code, languageId],
  openLink: [str('href', PAGE_LIMITS.hrefChars, { nonEmpty: true })],
};

export type ParseResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

/** Validates a message from a page against its protocol's checks. */
export function parsePageMessage<M extends { readonly type: string }>(value: unknown, fields: MessageFields<M>): ParseResult<M> {
  if (!isObject(value)) return { ok: false, error: 'message is not an object' };
  const type = value.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(fields, type)) {
    return { ok: false, error: `unknown message type ${JSON.stringify(type)?.slice(0, 60) ?? String(type)}` };
  }
  for (const check of fields[type as M['type']]) {
    const problem = check(value);
    if (problem) return { ok: false, error: `${type}: ${problem}` };
  }
  return { ok: true, message: value as unknown as M };
}

/**
 * Host messages come from our own host; a page still checks their shape so that a
 * stale page and a new host fail loudly instead of half-rendering.
 */
export function hasMessageShape<M extends { readonly type: string }>(value: unknown, shapes: { readonly [K in M['type']]: (m: Json) => boolean }): value is M {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  if (!Object.prototype.hasOwnProperty.call(shapes, value.type)) return false;
  return shapes[value.type as M['type']](value);
}

export const isString = (v: unknown): boolean => typeof v === 'string';
export const isNotice = (m: Json): boolean => (m.level === 'info' || m.level === 'warning' || m.level === 'error') && isString(m.message);
