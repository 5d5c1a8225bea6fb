/**
 * Everything that can go wrong with a request, as one typed error.
 *
 * An {@link ApiError} carries what the server said (`serverMessage`, extracted from
 * whichever body shape arrived), what kind of failure it is (`kind`, which decides
 * retries and the UI's buttons), and a `userMessage` that says what happened and what
 * to do. UIs show `userMessage` and offer `actions`; logs get `toLogString()`.
 *
 * No `vscode` import here: this file runs under plain mocha.
 */

import { DEFAULT_ACTIONS, describeError, type ErrorActionId } from './errorPresenter';
import type { FinishReason, ReasoningEffort } from './types';

export type ApiErrorKind =
  | 'auth' // 401: key missing, wrong or expired
  | 'no-key' // no key configured: nothing was sent
  | 'credits' // 403: out of credits (not an auth problem)
  | 'rate-limit' // 429
  | 'bad-request' // 400 and other 4xx: the message says which field
  | 'not-found' // 404: wrong base URL or model id
  | 'server' // 500/502/503: gateway or upstream failed
  | 'gateway-timeout' // 504: generation timed out at the gateway
  | 'timeout' // no byte from the gateway within the configured time
  | 'network' // connection refused/reset/closed, DNS, TLS
  | 'cancelled' // the caller aborted
  | 'protocol' // the answer could not be read (bad JSON, stream ended without an end)
  | 'config'; // invalid base URL, model without the needed capability, ...


export interface ApiErrorInit {
  readonly kind: ApiErrorKind;
  /** HTTP status, when an HTTP answer arrived. */
  readonly status?: number;
  /** The server's own message, as extracted from the body. */
  readonly serverMessage?: string;
  /** OpenAI-style `error.code` / `error.type` / `error.param`, or a responses `error` event code. */
  readonly code?: string;
  readonly type?: string;
  readonly param?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  /** Overrides the generated user message. */
  readonly userMessage?: string;
  readonly actions?: readonly ErrorActionId[];
  /** Free text for the log (e.g. the URL, the underlying error code). */
  readonly detail?: string;
  readonly cause?: unknown;
  /** The model label, used to phrase messages. */
  readonly model?: string;
  /** Number of attempts made, when retries happened. */
  readonly attempts?: number;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly code?: string;
  readonly type?: string;
  readonly param?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly userMessage: string;
  readonly actions: readonly ErrorActionId[];
  readonly detail?: string;
  readonly attempts?: number;
  readonly model?: string;

  constructor(init: ApiErrorInit) {
    const userMessage = init.userMessage ?? describeError(init);
    super(userMessage, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.code = init.code;
    this.type = init.type;
    this.param = init.param;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.userMessage = userMessage;
    this.actions = init.actions ?? DEFAULT_ACTIONS[init.kind];
    this.detail = init.detail;
    this.attempts = init.attempts;
    this.model = init.model;
  }

  /** Statuses/kinds worth an automatic retry (before any byte reached the caller). */
  get retryable(): boolean {
    return this.kind === 'rate-limit' || (this.kind === 'server' && this.status !== undefined && RETRYABLE_STATUSES.has(this.status));
  }

  /** A copy with some fields replaced (e.g. the attempt count once retries are exhausted). */
  with(changes: Partial<ApiErrorInit>): ApiError {
    const init: ApiErrorInit = {
      kind: this.kind, status: this.status, serverMessage: this.serverMessage, code: this.code, type: this.type,
      param: this.param, requestId: this.requestId, retryAfterMs: this.retryAfterMs, actions: this.actions,
      detail: this.detail, cause: this.cause, attempts: this.attempts, model: this.model, ...changes,
    };
    return new ApiError(init);
  }

  /** One line for the log: kind, status, request id, server message. Never contains the key. */
  toLogString(): string {
    const parts = [`kind=${this.kind}`];
    if (this.status !== undefined) parts.push(`status=${this.status}`);
    if (this.code) parts.push(`code=${this.code}`);
    if (this.requestId) parts.push(`requestId=${this.requestId}`);
    if (this.attempts !== undefined && this.attempts > 1) parts.push(`attempts=${this.attempts}`);
    if (this.serverMessage) parts.push(`server="${this.serverMessage}"`);
    if (this.detail) parts.push(`detail="${this.detail}"`);
    return parts.join(' ');
  }

  static cancelled(): ApiError {
    return new ApiError({ kind: 'cancelled' });
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** 429 is `rate-limit`; these are the `server` statuses that are retried. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503]);

/** Kind for an HTTP error status. */
export function kindForStatus(status: number): ApiErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'credits';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limit';
  if (status === 504) return 'gateway-timeout';
  if (status >= 500) return 'server';
  return 'bad-request';
}

// ---------------------------------------------------------------------------
// Server messages from the body shapes that arrive

export interface ServerErrorInfo {
  readonly message?: string;
  readonly code?: string;
  readonly type?: string;
  readonly param?: string;
  readonly requestId?: string;
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
  const err = json.error;
  if (isRecord(err)) {
    // OpenAI: {error:{message,type,param,code}} (also what a responses `error` event carries nested)
    return {
      message: str(err.message) ? shorten(String(err.message)) : undefined,
      code: str(err.code), type: str(err.type), param: str(err.param),
      requestId: requestId ?? str(err.requestId),
    };
  }
  const message = str(json.message) ?? (typeof err === 'string' ? str(err) : undefined) ?? str(json.detail) ?? str(json.title);
  const title = str(json.title);
  let full = message;
  // {title,status,message}: keep the title when it adds something
  if (title && message && title !== message) full = `${title}: ${message}`;
  if (Array.isArray(json.message)) full = json.message.filter((m) => typeof m === 'string').join('; ') || undefined;
  if (full === undefined && requestId === undefined) return undefined;
  return { message: full ? shorten(full) : undefined, code: str(json.code), type: str(json.type), requestId };
}

function htmlSummary(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
  const pick = [title, heading].map((s) => (s ? decodeEntities(s.replace(/<[^>]+>/g, ' ')).trim() : '')).find((s) => s !== '');
  if (pick) return `the proxy returned an HTML page: ${shorten(pick, 160)}`;
  const body = decodeEntities(html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' '));
  const clean = shorten(body, 160);
  return clean ? `the proxy returned an HTML page: ${clean}` : 'the proxy returned an HTML page';
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

/** Network/timeout/abort errors from undici or Node, as an ApiError. */
export function errorFromTransport(cause: unknown, opts: { aborted: boolean; timeoutSeconds?: number; url?: string; phase?: string }): ApiError {
  if (isApiError(cause)) return cause;
  if (opts.aborted) return new ApiError({ kind: 'cancelled', cause });
  const code = transportCode(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    const waited = opts.timeoutSeconds !== undefined ? `waited ${formatSeconds(opts.timeoutSeconds)}` : 'timed out';
    const what = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'for the answer to start' : code === 'UND_ERR_BODY_TIMEOUT' ? 'between bytes of the answer' : 'to connect';
    return new ApiError({ kind: 'timeout', detail: `${waited} ${what}`, code, cause });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ApiError({ kind: 'network', detail: `connecting${opts.url ? ` to ${hostOf(opts.url)}` : ''} timed out`, code, cause });
  }
  const where = opts.url ? ` ${hostOf(opts.url)}` : '';
  const what = NETWORK_WORDS[code ?? ''] ?? message;
  return new ApiError({ kind: 'network', detail: `${what}${where ? ` —${where}` : ''}${opts.phase ? `, ${opts.phase}` : ''}`, code, cause });
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CLOSED: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
};

function transportCode(cause: unknown): string | undefined {
  let current: unknown = cause;
  for (let i = 0; i < 4 && current; i++) {
    if (isRecord(current) || current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string') return code;
      current = (current as { cause?: unknown }).cause;
    } else break;
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function formatSeconds(seconds: number): string {
  return seconds >= 1 ? `${Math.round(seconds)} s` : `${Math.round(seconds * 1000)} ms`;
}

// ---------------------------------------------------------------------------
// Empty answers

/** Finish reasons that mean "the token budget ran out". */
export function isTokenLimitFinish(reason: FinishReason | undefined): boolean {
  return reason === 'length' || reason === 'incomplete:max_output_tokens';
}

/**
 * When an answer stopped at the token limit with no visible text, the budget went to
 * hidden reasoning: a message saying so and how to fix it. Undefined otherwise.
 */
export function emptyAnswerMessage(
  finish: FinishReason | undefined,
  text: string,
  opts: { maxOutputTokens?: number | null; effort?: ReasoningEffort; reasoningTokens?: number } = {},
): string | undefined {
  if (!isTokenLimitFinish(finish) || text.trim() !== '') return undefined;
  const budget = opts.maxOutputTokens ? ` of ${opts.maxOutputTokens}` : '';
  const spent = opts.reasoningTokens ? ` (${opts.reasoningTokens} reasoning tokens)` : '';
  const effortHint = opts.effort && opts.effort !== 'low' ? ` or lower the reasoning effort (now “${opts.effort}”)` : ' or lower the reasoning effort';
  return `The model used its whole output budget${budget} on reasoning${spent} and wrote no answer. Raise reasoner.maxOutputTokens${effortHint}, then ask again.`;
}

/** A short note for answers cut off at the limit that do have text. */
export function truncatedAnswerMessage(finish: FinishReason | undefined, text: string): string | undefined {
  if (!isTokenLimitFinish(finish) || text.trim() === '') return undefined;
  return 'The answer was cut off at the output token limit. Raise reasoner.maxOutputTokens to get the rest.';
}

/** Replace every occurrence of a secret in a string (used on everything that reaches a logger or a message). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}
