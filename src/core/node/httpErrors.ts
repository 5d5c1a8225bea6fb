/**
 * Gateway errors as {@link ApiError}s: HTTP error answers (the server's message from whichever
 * body shape arrived, the request id, the Retry-After hint) and errors carried inside a 200
 * answer, read by the same code; and the two 400s the client answers by asking again
 * differently (a model refusing `stream`, a gateway refusing `background`).
 */

import { ApiError, kindForStatus, type ApiErrorKind } from '../common/errors';

// ---------------------------------------------------------------------------
// Server messages from the body shapes that arrive

export interface ServerErrorInfo {
  readonly message?: string;
  readonly code?: string;
  readonly type?: string;
  readonly param?: string;
  readonly requestId?: string;
  /** A status the body itself states (`status`/`statusCode`). */
  readonly status?: number;
  /** The body was an HTML page (a proxy's error page). */
  readonly html?: boolean;
}

const MAX_MESSAGE_CHARS = 600;

function shorten(text: string, max = MAX_MESSAGE_CHARS): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The server's message from an error body. Understands OpenAI's
 * `{error:{message,type,param,code}}`, the gateway's `{message,path,requestId,statusCode,timestamp}`,
 * `{title,status,message}`, `{error:"text"}`, `{detail}`, HTML pages (title or stripped text)
 * and plain text. Empty bodies give `{}`.
 */
export function extractServerError(bodyText: string, contentType?: string): ServerErrorInfo {
  const text = bodyText.trim();
  if (text === '') return {};
  const looksHtml = /html/i.test(contentType ?? '') || /^<(!doctype|html|head|body)\b/i.test(text);
  if (!looksHtml && (text.startsWith('{') || text.startsWith('['))) {
    try {
      const parsed = fromJson(JSON.parse(text) as unknown);
      if (parsed) return parsed;
    } catch {
      // not JSON after all: fall through to plain text
    }
  }
  if (looksHtml) return { message: htmlSummary(text), html: true };
  return { message: shorten(text) };
}

function fromJson(json: unknown): ServerErrorInfo | undefined {
  if (!isRecord(json)) return undefined;
  const requestId = str(json.requestId) ?? str(json.request_id);
  // OpenAI: {error:{message,type,param,code}} (also what a responses `error` event carries nested)
  if (isRecord(json.error)) {
    const fields = errorFields(json.error);
    return { ...fields, requestId: requestId ?? fields.requestId };
  }
  const fields = errorFields(json);
  if (fields.message === undefined && requestId === undefined) return undefined;
  return { ...fields, requestId };
}

/**
 * The fields of one error object: OpenAI's `{message,type,param,code}`, the gateway's
 * `{message,path,requestId,statusCode,timestamp}`, `{title,status,message}`, `{error:"text"}`
 * or `{detail}`. The one reader of error bodies, for HTTP errors and errors inside a 200 answer.
 */
function errorFields(json: Record<string, unknown>): ServerErrorInfo {
  const message = str(json.message) ?? (typeof json.error === 'string' ? str(json.error) : undefined) ?? str(json.detail) ?? str(json.title);
  const title = str(json.title);
  let full = message;
  // {title,status,message}: keep the title when it adds something
  if (title && message && title !== message) full = `${title}: ${message}`;
  if (Array.isArray(json.message)) full = json.message.filter((m) => typeof m === 'string').join('; ') || undefined;
  const status = typeof json.status === 'number' ? json.status : typeof json.statusCode === 'number' ? json.statusCode : undefined;
  return {
    message: full ? shorten(full) : undefined,
    code: str(json.code), type: str(json.type), param: str(json.param),
    requestId: str(json.requestId) ?? str(json.request_id),
    ...(status !== undefined ? { status } : {}),
  };
}

/** Long enough for any error page's title and first words; matching stops there whatever arrives. */
const HTML_SCAN_CHARS = 64 * 1024;

/** The page's title, else its first heading, else its first words. Linear scans only: the page is foreign text. */
function htmlSummary(html: string): string {
  const page = html.slice(0, HTML_SCAN_CHARS);
  const pick = [elementText(page, 'title'), elementText(page, 'h1')].map((s) => (s ? decodeEntities(stripTags(s)).trim() : '')).find((s) => s !== '');
  if (pick) return `the proxy returned an HTML page: ${shorten(pick, 160)}`;
  const clean = shorten(decodeEntities(stripTags(withoutElements(page, ['script', 'style']))), 160);
  return clean ? `the proxy returned an HTML page: ${clean}` : 'the proxy returned an HTML page';
}

/** The inner HTML of the first `<tag …>…</tag>`, found with indexOf on a lower-case copy. */
function elementText(html: string, tag: string): string | undefined {
  const lower = html.toLowerCase();
  const open = lower.indexOf(`<${tag}`);
  if (open < 0) return undefined;
  const openEnd = lower.indexOf('>', open);
  if (openEnd < 0) return undefined;
  const close = lower.indexOf(`</${tag}>`, openEnd);
  return close < 0 ? undefined : html.slice(openEnd + 1, close);
}

function withoutElements(html: string, tags: readonly string[]): string {
  const lower = html.toLowerCase();
  // Where each tag next opens, searched again only once passed: every search moves forward, so the whole is linear.
  const nextOpen = new Map(tags.map((tag) => [tag, -1]));
  let out = '';
  let at = 0;
  for (;;) {
    let next = Infinity;
    let closing = '';
    for (const tag of tags) {
      let found = nextOpen.get(tag)!;
      if (found !== Infinity && found < at) {
        const index = lower.indexOf(`<${tag}`, at);
        found = index < 0 ? Infinity : index;
        nextOpen.set(tag, found);
      }
      if (found < next) { next = found; closing = `</${tag}>`; }
    }
    if (next === Infinity) return out + html.slice(at);
    out += `${html.slice(at, next)} `;
    const end = lower.indexOf(closing, next);
    if (end < 0) return out;
    at = end + closing.length;
  }
}

/** Text with every `<…>` replaced by a space; an unclosed `<` keeps the rest as text. */
function stripTags(html: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = html.indexOf('<', at);
    if (open < 0) return out + html.slice(at);
    const close = html.indexOf('>', open);
    if (close < 0) return out + html.slice(at);
    out += `${html.slice(at, open)} `;
    at = close + 1;
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&');
}

// ---------------------------------------------------------------------------
// Retry-After

export type HeaderBag = Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value;
}

/** Longest wait we ever honour from a server hint. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Wait requested by `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date),
 * capped at 60 s. Undefined when neither is present or readable.
 */
export function parseRetryAfter(headers: HeaderBag | undefined, now: number = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.min(Math.round(value), MAX_RETRY_AFTER_MS);
  }
  const after = headerValue(headers, 'retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.min(Math.round(Number(after) * 1000), MAX_RETRY_AFTER_MS);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

// ---------------------------------------------------------------------------
// Building errors

export interface HttpErrorContext {
  readonly status: number;
  readonly headers?: HeaderBag;
  readonly bodyText: string;
  /** The model label for the message. */
  readonly model?: string;
  readonly url?: string;
  readonly now?: number;
}

/** An ApiError for an HTTP error answer, with the server's message and the request id. */
export function errorFromHttp(ctx: HttpErrorContext): ApiError {
  const info = extractServerError(ctx.bodyText, headerValue(ctx.headers, 'content-type'));
  const requestId = headerValue(ctx.headers, 'x-request-id') ?? info.requestId;
  const kind = kindForStatus(ctx.status);
  const empty = ctx.bodyText.trim() === '';
  const detail = [ctx.url, info.html ? 'HTML body' : undefined, empty ? 'empty body' : undefined]
    .filter(Boolean).join(', ') || undefined;
  return new ApiError({
    kind,
    status: ctx.status,
    serverMessage: info.message,
    code: info.code,
    type: info.type,
    param: info.param,
    requestId,
    retryAfterMs: parseRetryAfter(ctx.headers, ctx.now),
    model: ctx.model,
    detail,
  });
}

/** Does a 400 answer say the model refuses `stream`? (then the request is resent once without it) */
export function isStreamRefusal(error: ApiError): boolean {
  if (error.status !== 400) return false;
  if (error.param === 'stream' || error.param === 'stream_options') return true;
  return /\bstream(_options)?\b/i.test(error.serverMessage ?? '');
}

/** Does a 400 answer say the endpoint refuses `background`/`store`? */
export function isBackgroundRefusal(error: ApiError): boolean {
  if (error.status !== 400) return false;
  if (error.param === 'background' || error.param === 'store') return true;
  return /\bbackground\b/i.test(error.serverMessage ?? '');
}

// ---------------------------------------------------------------------------
// Errors inside a 200 answer

function kindForErrorCode(code: string | undefined, fallback: ApiErrorKind): ApiErrorKind {
  switch (code) {
    case 'rate_limit_exceeded':
    case 'rate_limit_error':
      return 'rate-limit';
    case 'insufficient_quota':
      return 'credits';
    case 'invalid_api_key':
    case 'authentication_error':
      return 'auth';
    case 'context_length_exceeded':
    case 'invalid_request_error':
    case 'invalid_prompt':
      return 'bad-request';
    case 'server_error':
    case 'server_is_overloaded':
    case 'api_error':
      return 'server';
    default:
      return fallback;
  }
}

/** An error carried inside a 200 answer (`error` event, `response.failed`, `{error:{…}}` chunk). */
export function inBandError(error: unknown, fallbackMessage: string, ctx: { readonly requestId?: string; readonly model?: string } = {}): ApiError {
  const fields: ServerErrorInfo = typeof error === 'string' ? { message: str(error) ? shorten(error) : undefined }
    : isRecord(error) ? errorFields(isRecord(error.error) ? error.error : error) : {};
  const code = fields.code ?? fields.type;
  return new ApiError({
    kind: kindForErrorCode(code, 'server'),
    serverMessage: fields.message ?? fallbackMessage,
    code,
    param: fields.param,
    requestId: ctx.requestId,
    model: ctx.model,
    ...(fields.status !== undefined ? { detail: `in-band status ${fields.status}` } : {}),
  });
}
