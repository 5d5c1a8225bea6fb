/**
 * Everything that can go wrong with a request, as one typed error.
 *
 * An {@link ApiError} carries what the server said (`serverMessage`, extracted from
 * whichever body shape arrived by node/httpErrors.ts), what kind of failure it is (`kind`,
 * which decides retries and the UI's buttons), and a `userMessage` that says what happened
 * and what to do (worded by errorPresenter.ts). UIs show `userMessage` and offer `actions`;
 * logs get `toLogString()`.
 */

import type { ApiErrorKind, NetworkProblem, RequestLimit } from './errorFacts';
import { defaultActions, describeError, type ErrorActionId } from './errorPresenter';
import { redactKey } from './redact';

export type { ApiErrorKind, NetworkProblem, RequestLimit } from './errorFacts';

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
  /** For `network` failures: what on the way failed (proxy, certificate, name lookup). */
  readonly network?: NetworkProblem;
  /** Which of Reasoner's own limits ended the request, when one did. */
  readonly limit?: RequestLimit;
}

/**
 * Marks ApiErrors across copies of this module: the extension bundle and a test
 * bundle (or another extension) each have their own class, and `instanceof`
 * would tell a real ApiError from another copy apart.
 */
const API_ERROR_BRAND = Symbol.for('reasoner.ApiError');

export class ApiError extends Error {
  readonly [API_ERROR_BRAND] = true;
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
  readonly network?: NetworkProblem;
  readonly limit?: RequestLimit;
  /** What the error was made from: a copy starts from it, so a message or actions given on purpose survive it. */
  readonly #init: ApiErrorInit;

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
    this.actions = init.actions ?? defaultActions(init.kind, init.network);
    this.detail = init.detail;
    this.attempts = init.attempts;
    this.model = init.model;
    this.network = init.network;
    this.limit = init.limit;
    this.#init = init;
  }

  /** Statuses/kinds worth an automatic retry (before any byte reached the caller). */
  get retryable(): boolean {
    return this.kind === 'rate-limit' || (this.kind === 'server' && this.status !== undefined && RETRYABLE_STATUSES.has(this.status));
  }

  /**
   * A copy with some fields replaced (e.g. the attempt count once retries are exhausted). A message and actions the
   * error was given stay; generated ones are written again from the changed facts.
   */
  with(changes: Partial<ApiErrorInit>): ApiError {
    return new ApiError({ ...this.#init, ...changes });
  }

  /**
   * A copy in which the key appears nowhere (see {@link redactKey}): a gateway or proxy may echo
   * the Authorization header in any text it sends. Itself when no text holds the key.
   */
  withoutKey(key: string | undefined): ApiError {
    const clean = (text: string | undefined): string | undefined => (text === undefined ? undefined : redactKey(text, key));
    const texts = [this.userMessage, this.serverMessage, this.detail, this.code, this.type, this.param, this.requestId, this.network?.issuer];
    if (texts.every((text) => clean(text) === text)) return this;
    return this.with({
      userMessage: clean(this.userMessage), serverMessage: clean(this.serverMessage), detail: clean(this.detail), code: clean(this.code),
      type: clean(this.type), param: clean(this.param), requestId: clean(this.requestId),
      ...(this.network ? { network: { ...this.network, issuer: clean(this.network.issuer) } } : {}),
    });
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
    if (this.limit) parts.push(`limit=${this.limit.name}:${this.limit.value}`);
    if (this.network) parts.push(`network=${this.network.problem}${this.network.proxy ? ` proxy=${this.network.proxy}` : ''}${this.network.issuer ? ` issuer="${this.network.issuer}"` : ''}`);
    return parts.join(' ');
  }

  static cancelled(): ApiError {
    return new ApiError({ kind: 'cancelled' });
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError || (typeof value === 'object' && value !== null && (value as { [API_ERROR_BRAND]?: unknown })[API_ERROR_BRAND] === true);
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
