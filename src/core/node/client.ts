/**
 * The HTTP client for the gateway, on undici.
 *
 * - ONE keep-alive `Agent` per client, its header/body timeouts from `timeoutSeconds`
 *   (default 900 s: o3-pro may think for minutes before the first byte).
 * - Every request carries an AbortSignal; every response body is consumed or destroyed,
 *   also on abort and error (otherwise sockets and abort listeners leak).
 * - The API key is fetched per call from the `apiKey` provider, sent only to the configured
 *   base URL (redirects are never followed), and never passed to the logger.
 * - `stream()` yields {@link StreamEvent}s and ends with exactly one `finish` or `error`;
 *   it never throws for API or network problems.
 * - Retries: 429/500/502/503 and network errors before any response arrived, honouring
 *   `retry-after-ms`/`Retry-After` (<= 60 s), else exponential backoff with jitter; bounded in
 *   count and total wait; cancellable. Never 400/401/403/404, never once an answer started.
 * - A 400 naming `stream` -> the same request once more without streaming (remembered per model).
 * - Background mode (responses API): POST with background+store, poll GET /responses/{id},
 *   POST /responses/{id}/cancel on abort; a 404/405 there -> streaming, remembered per base URL.
 * - `progress` events at least every `progressIntervalMs` (1 s) while no bytes arrive.
 */

import { Agent, type Dispatcher } from 'undici';
import {
  ApiError, errorFromHttp, errorFromTransport, emptyAnswerMessage, headerValue, isApiError, isBackgroundRefusal,
  isStreamRefusal, redact, truncatedAnswerMessage, type HeaderBag,
} from '../common/errors';
import { checkBaseUrl, type BaseUrlCheck } from '../common/endpoint';
import { buildRequest, type BuiltRequest } from '../common/requests';
import { SseDecoder, type SseMessage } from './sse';
import { chatCompletionEvents, createTranslator, responseEvents, responseStatus } from './stream';
import type { FinishReason, ReasoningRequest, StreamEvent, Usage } from '../common/types';

// ---------------------------------------------------------------------------
// Options

/** Where the client writes what it does. Plain strings only; the API key never reaches it. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const NULL_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface RetryPolicy {
  /** Retries after the first attempt (so `maxRetries + 1` requests at most). Default 3. */
  readonly maxRetries: number;
  /** First backoff step when the server gives no hint. Default 1000 ms. */
  readonly baseDelayMs: number;
  /** Longest backoff step when the server gives no hint (hints are honoured up to 60 s). Default 30 000 ms. */
  readonly maxDelayMs: number;
  /** Longest total time spent waiting between attempts of one call. Default 120 000 ms. */
  readonly maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalWaitMs: 120_000,
});

export interface BackgroundPolicy {
  /** First wait before polling. Default 1000 ms. */
  readonly initialPollMs: number;
  /** Longest wait between polls. Default 10 000 ms. */
  readonly maxPollMs: number;
  /** Growth of the wait per poll. Default 1.5. */
  readonly factor: number;
}

export const DEFAULT_BACKGROUND_POLICY: BackgroundPolicy = Object.freeze({ initialPollMs: 1000, maxPollMs: 10_000, factor: 1.5 });

export const DEFAULT_TIMEOUT_SECONDS = 900;

export interface ReasoningClientOptions {
  /** e.g. https://api.aimlapi.com/v1 — https, or http on a loopback address (checked by endpoint.ts). */
  readonly baseUrl: string;
  /**
   * Returns the key (from SecretStorage); called once per `stream()` call that does not pass
   * a key itself. Without a provider and without a per-call key, calls end with `no-key`.
   */
  readonly apiKey?: () => Promise<string | undefined> | string | undefined;
  /** Headers and between-bytes timeout. Default 900 s. Fractions allowed (tests). */
  readonly timeoutSeconds?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly background?: Partial<BackgroundPolicy>;
  readonly logger?: Logger;
  /** An undici dispatcher to use instead of the client's own Agent (not closed by `dispose`). */
  readonly dispatcher?: Dispatcher;
  /** Interval of `progress` events while nothing arrives. Default 1000 ms. */
  readonly progressIntervalMs?: number;
  readonly userAgent?: string;
  /** Waits between attempts and polls (tests inject one to record the delays). Must reject when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

// ---------------------------------------------------------------------------
// Small helpers

const TICK = Symbol('tick');

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function describeUsage(usage: Usage | undefined): string {
  if (!usage) return 'usage unknown';
  const cost = usage.costUsd !== undefined ? ` $${usage.costUsd}` : '';
  return `in=${usage.inputTokens} out=${usage.outputTokens} (reasoning ${usage.reasoningTokens})${cost}`;
}

type Body = Dispatcher.ResponseData['body'];

/** Throw a body away; the no-op listener keeps undici's "Request aborted" from becoming an uncaught error. */
function destroyBody(body: Body): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Read a small unwanted body to its end so the connection can be reused (bounded; destroyed beyond 64 KiB). */
async function discardBody(body: Body): Promise<void> {
  body.on('error', () => undefined);
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

/** One HTTP exchange's outcome when it did not end with a terminal event. */
type AttemptOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly error: ApiError; readonly beforeResponse: boolean }
  | { readonly kind: 'background-unsupported'; readonly responseId?: string };

/** Per-call state: abort controller linked to the caller's signal, start time, logger with the key redacted. */
class Call {
  readonly controller = new AbortController();
  readonly started = Date.now();
  key: string | undefined;
  requestId: string | undefined;
  private readonly unlink: () => void;

  constructor(readonly label: string, private readonly baseLogger: Logger, external: AbortSignal | undefined) {
    if (external) {
      if (external.aborted) this.controller.abort(external.reason);
      const onAbort = (): void => this.controller.abort(external.reason);
      external.addEventListener('abort', onAbort, { once: true });
      this.unlink = () => external.removeEventListener('abort', onAbort);
    } else {
      this.unlink = () => {};
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  elapsed(): number {
    return Date.now() - this.started;
  }

  progress(status: string): StreamEvent {
    return { type: 'progress', elapsedMs: this.elapsed(), status };
  }

  log(level: keyof Logger, message: string): void {
    this.baseLogger[level](redact(message, this.key));
  }

  close(): void {
    this.unlink();
    if (!this.controller.signal.aborted) this.controller.abort(new Error('call finished'));
  }
}

// ---------------------------------------------------------------------------
// The client

export class ReasoningClient {
  private readonly baseUrlCheck: BaseUrlCheck;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly backgroundPolicy: BackgroundPolicy;
  private readonly logger: Logger;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly progressIntervalMs: number;
  private readonly sleepFn: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  /** Base URLs whose gateway lacks GET /responses/{id} (or refuses `background`). */
  private readonly backgroundUnsupported = new Set<string>();
  /** `${baseUrl} ${model}` pairs that refused `stream: true`. */
  private readonly streamRefused = new Set<string>();
  private readonly active = new Set<Call>();
  private readonly pendingCancels = new Set<Promise<void>>();
  private disposed = false;

  constructor(private readonly opts: ReasoningClientOptions) {
    // One policy for where the key may go (endpoint.ts): https, or http on loopback only.
    this.baseUrlCheck = checkBaseUrl(opts.baseUrl);
    const seconds = opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0 ? opts.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
    this.timeoutMs = Math.round(seconds * 1000);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.backgroundPolicy = { ...DEFAULT_BACKGROUND_POLICY, ...opts.background };
    this.logger = opts.logger ?? NULL_LOGGER;
    this.progressIntervalMs = opts.progressIntervalMs ?? 1000;
    this.sleepFn = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    if (opts.dispatcher) {
      this.dispatcher = opts.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = new Agent({
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connect: { timeout: Math.min(this.timeoutMs, 30_000) },
      });
      this.ownsDispatcher = true;
    }
  }

  /** The normalised base URL, or undefined when the configured one is invalid. */
  get baseUrl(): string | undefined {
    return this.baseUrlCheck.ok ? this.baseUrlCheck.url : undefined;
  }

  /**
   * Run one request. Yields deltas, usage and progress, and ends with exactly one `finish`
   * or `error` event. Never throws for API or network problems. Aborting `signal` ends it
   * with `error` of kind `cancelled`; so does breaking out of the loop (then without an event).
   * `apiKey`, when given, is used instead of the client's provider.
   */
  async *stream(request: ReasoningRequest, signal?: AbortSignal, apiKey?: string): AsyncGenerator<StreamEvent, void, undefined> {
    const call = new Call(request.model.label, this.logger, signal);
    this.active.add(call);
    let terminal = false;
    try {
      for await (const event of this.run(request, call, apiKey)) {
        if (terminal) continue;
        if (event.type === 'finish' || event.type === 'error') terminal = true;
        yield event;
      }
      if (!terminal) {
        terminal = true;
        yield { type: 'error', error: new ApiError({ kind: 'protocol', detail: 'the answer ended without a result', requestId: call.requestId }) };
      }
    } finally {
      this.active.delete(call);
      call.close();
    }
  }

  /** Abort running calls, wait briefly for background cancels, close the connection pool. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const call of this.active) call.controller.abort(new Error('client disposed'));
    const cancels = Promise.allSettled([...this.pendingCancels]);
    await Promise.race([cancels, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    if (this.ownsDispatcher) await this.dispatcher.destroy().catch(() => undefined);
  }

  // -------------------------------------------------------------------------

  private async *run(request: ReasoningRequest, call: Call, apiKey: string | undefined): AsyncGenerator<StreamEvent, void, undefined> {
    try {
      if (this.disposed) throw new ApiError({ kind: 'config', userMessage: 'The Reasoner client was shut down; try again.' });
      if (!this.baseUrlCheck.ok) throw new ApiError({ kind: 'config', userMessage: this.baseUrlCheck.message, actions: ['openSettings'] });
      const baseUrl = this.baseUrlCheck.url;
      if (call.aborted) throw ApiError.cancelled();
      const provider = this.opts.apiKey;
      let key: string | undefined = apiKey;
      if (key === undefined && provider) {
        try {
          key = yield* this.waitFor(Promise.resolve().then(() => provider()), call, () => 'Reading the API key…');
        } catch (caught) {
          if (isApiError(caught)) throw caught;
          throw new ApiError({
            kind: 'no-key', cause: caught,
            userMessage: `Could not read your API key (${caught instanceof Error ? caught.message : String(caught)}). Set it again with “Reasoner: Set API Key”.`,
          });
        }
      }
      key = key?.trim();
      if (!key) throw new ApiError({ kind: 'no-key' });
      call.key = key;

      const streamKey = `${baseUrl} ${request.model.model}`;
      let built = buildRequest(request, {
        ...(this.streamRefused.has(streamKey) ? { stream: false } : {}),
        ...(this.backgroundUnsupported.has(baseUrl) ? { background: false } : {}),
      });
      let streamFallbackUsed = this.streamRefused.has(streamKey) && request.stream;
      let backgroundFallbackUsed = false;
      let retries = 0;
      let waited = 0;
      for (;;) {
        const outcome = yield* this.attempt(built, request, call, baseUrl);
        if (outcome.kind === 'done') return;
        if (outcome.kind === 'background-unsupported') {
          this.backgroundUnsupported.add(baseUrl);
          if (outcome.responseId) this.cancelInBackground(baseUrl, outcome.responseId, call);
          if (backgroundFallbackUsed) throw new ApiError({ kind: 'protocol', detail: 'background mode fallback failed', requestId: call.requestId });
          backgroundFallbackUsed = true;
          call.log('warn', `Background mode is not available at ${baseUrl}; streaming instead (remembered for this session).`);
          built = buildRequest(request, { background: false, stream: !this.streamRefused.has(streamKey) });
          continue;
        }
        const error = outcome.error;
        if (error.kind === 'cancelled') throw error;
        if (built.stream && !streamFallbackUsed && isStreamRefusal(error)) {
          streamFallbackUsed = true;
          this.streamRefused.add(streamKey);
          call.log('warn', `${request.model.label} refused streaming (${error.serverMessage ?? 'HTTP 400'}); asking again without streaming.`);
          built = buildRequest(request, { stream: false, ...(built.api === 'responses' ? { background: built.background } : {}) });
          continue;
        }
        if (built.background && !backgroundFallbackUsed && isBackgroundRefusal(error)) {
          this.backgroundUnsupported.add(baseUrl);
          backgroundFallbackUsed = true;
          call.log('warn', `The gateway refused background mode (${error.serverMessage ?? 'HTTP 400'}); streaming instead.`);
          built = buildRequest(request, { background: false });
          continue;
        }
        const retryable = outcome.beforeResponse && (error.retryable || error.kind === 'network');
        if (retryable && retries < this.retry.maxRetries) {
          const delay = this.retryDelay(error, retries);
          if (waited + delay <= this.retry.maxTotalWaitMs) {
            retries++;
            waited += delay;
            const why = error.status !== undefined ? `HTTP ${error.status}` : error.kind;
            call.log('warn', `${why} from ${built.path}${error.requestId ? ` (request ${error.requestId})` : ''}: ${error.serverMessage ?? error.detail ?? ''} — retry ${retries} of ${this.retry.maxRetries} in ${formatWait(delay)}.`);
            yield* this.pause(delay, call, (left) => `${error.kind === 'rate-limit' ? 'Rate limited' : 'The gateway failed'} (${why}); retrying in ${formatWait(left)} (retry ${retries} of ${this.retry.maxRetries})`);
            continue;
          }
        }
        throw retries > 0 ? error.with({ attempts: retries + 1 }) : error;
      }
    } catch (caught) {
      const error = isApiError(caught) ? caught : errorFromTransport(caught, { aborted: call.aborted, timeoutSeconds: this.timeoutMs / 1000 });
      const final = call.aborted && error.kind !== 'cancelled' ? ApiError.cancelled() : error;
      if (final.kind === 'cancelled') call.log('info', `${call.label}: cancelled after ${call.elapsed()} ms.`);
      else call.log('error', `${call.label}: ${final.toLogString()}`);
      yield { type: 'error', error: final.requestId || !call.requestId ? final : final.with({ requestId: call.requestId }) };
    }
  }

  private retryDelay(error: ApiError, retriesSoFar: number): number {
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, 60_000);
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** retriesSoFar);
    return Math.round(exp * (0.5 + this.random() * 0.5));
  }

  private url(baseUrl: string, path: string): URL {
    return new URL(`${baseUrl}${path}`);
  }

  private headers(call: Call, accept: string, withBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${call.key ?? ''}`,
      accept,
      'user-agent': this.opts.userAgent ?? 'reasoner-vscode',
    };
    if (withBody) headers['content-type'] = 'application/json';
    return headers;
  }

  /** One HTTP request with the client's timeouts and the call's signal. */
  private send(call: Call, url: URL, method: 'GET' | 'POST', body: string | undefined, accept: string): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method,
      headers: this.headers(call, accept, body !== undefined),
      body: body ?? null,
      signal: call.signal,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Await a promise, yielding `progress` every interval meanwhile. Rejections propagate. */
  private async *waitFor<T>(promise: Promise<T>, call: Call, status: () => string): AsyncGenerator<StreamEvent, T, undefined> {
    promise.catch(() => undefined); // observed below; avoids an unhandled rejection if the caller stops early
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(ApiError.cancelled());
      if (call.aborted) onAbort();
      else call.signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<typeof TICK>((resolve) => {
          timer = setTimeout(() => resolve(TICK), this.progressIntervalMs);
        });
        try {
          const result = await Promise.race([promise, tick, aborted]);
          if (result !== TICK) return result as T;
        } finally {
          clearTimeout(timer);
        }
        yield call.progress(status());
      }
    } finally {
      if (onAbort) call.signal.removeEventListener('abort', onAbort);
    }
  }

  /** An abortable wait with `progress` events. */
  private async *pause(ms: number, call: Call, status: (leftMs: number) => string): AsyncGenerator<StreamEvent, void, undefined> {
    const until = Date.now() + ms;
    yield call.progress(status(ms));
    yield* this.waitFor(this.sleepFn(ms, call.signal), call, () => status(Math.max(0, until - Date.now())));
  }

  /** Read a whole (small) body as text, bounded. Always consumes or destroys it. */
  private async *readText(body: Body, call: Call, status: () => string, limit = 64 * 1024 * 1024): AsyncGenerator<StreamEvent, string, undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let complete = false;
    try {
      for (;;) {
        const next = yield* this.waitFor(iterator.next(), call, status);
        if (next.done) break;
        size += next.value.length;
        if (size > limit) throw new ApiError({ kind: 'protocol', detail: `the answer was larger than ${limit} bytes`, requestId: call.requestId });
        chunks.push(next.value);
      }
      complete = true;
      return Buffer.concat(chunks).toString('utf8');
    } finally {
      if (!complete) destroyBody(body);
    }
  }

  private async httpError(response: Dispatcher.ResponseData, call: Call, url: URL): Promise<ApiError> {
    let text = '';
    try {
      // Error bodies are small; a bounded read (no progress needed).
      const gen = this.readText(response.body, call, () => 'Reading the error…', 1024 * 1024);
      for (;;) {
        const step = await gen.next();
        if (step.done) {
          text = step.value;
          break;
        }
      }
    } catch (caught) {
      if (call.aborted) return ApiError.cancelled();
      // keep going with what we know: the status
      call.log('debug', `Could not read the error body: ${caught instanceof Error ? caught.message : String(caught)}`);
    }
    const error = errorFromHttp({
      status: response.statusCode,
      headers: response.headers as HeaderBag,
      bodyText: redact(text, call.key),
      model: call.label,
      url: url.href,
    });
    return error;
  }

  /** One exchange: request, status handling, then the answer (streamed, JSON, or background). */
  private async *attempt(built: BuiltRequest, request: ReasoningRequest, call: Call, baseUrl: string): AsyncGenerator<StreamEvent, AttemptOutcome, undefined> {
    const url = this.url(baseUrl, built.path);
    const payload = JSON.stringify(built.body);
    const mode = built.background ? 'background' : built.stream ? 'stream' : 'no-stream';
    call.log('info', `→ POST ${url.href} model=${request.model.model} (${call.label}) ${mode} effort=${request.effort} turns=${request.turns.length} ${payload.length} bytes`);
    // Debug level shows the whole body, code context included; the key is a header, never in it.
    call.log('debug', `  body: ${payload}`);
    let response: Dispatcher.ResponseData;
    try {
      response = yield* this.waitFor(this.send(call, url, 'POST', payload, built.stream ? 'text/event-stream' : 'application/json'), call,
        () => `Waiting for ${call.label}…`);
    } catch (caught) {
      return { kind: 'error', error: errorFromTransport(caught, { aborted: call.aborted, timeoutSeconds: this.timeoutMs / 1000, url: url.href, phase: 'before the answer started' }), beforeResponse: true };
    }
    const headers = response.headers as HeaderBag;
    const requestId = headerValue(headers, 'x-request-id');
    if (requestId) call.requestId = requestId;
    call.log('info', `← ${response.statusCode} ${built.path}${requestId ? ` request ${requestId}` : ''} after ${call.elapsed()} ms`);

    if (response.statusCode >= 300 && response.statusCode < 400) {
      await discardBody(response.body);
      const location = headerValue(headers, 'location');
      return {
        kind: 'error', beforeResponse: false,
        error: new ApiError({
          kind: 'config', status: response.statusCode, requestId,
          userMessage: `The gateway redirected the request${location ? ` to ${safeHost(location)}` : ''}. Reasoner does not follow redirects, so your key only goes to reasoner.baseUrl: check that setting.`,
        }),
      };
    }
    if (response.statusCode >= 400) {
      const error = await this.httpError(response, call, url);
      return { kind: 'error', error, beforeResponse: true };
    }

    const contentType = headerValue(headers, 'content-type') ?? '';
    const isSse = /text\/event-stream/i.test(contentType) || (!/json/i.test(contentType) && built.stream);
    if (isSse) {
      yield* this.readStream(response.body, built, call, url);
      return { kind: 'done' };
    }
    let text: string;
    try {
      text = yield* this.readText(response.body, call, () => `Waiting for ${call.label}…`);
    } catch (caught) {
      throw errorFromTransport(caught, { aborted: call.aborted, timeoutSeconds: this.timeoutMs / 1000, url: url.href, phase: 'while reading the answer' });
    }
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      const html = /^\s*</.test(text);
      throw new ApiError({ kind: 'protocol', detail: html ? 'the gateway answered with an HTML page instead of JSON' : 'the answer was not JSON', requestId });
    }
    const bodyId = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
    call.requestId ??= typeof bodyId === 'string' ? bodyId : undefined;
    yield { type: 'request', requestId: call.requestId, api: built.api, url: url.href };
    const ctx = { requestId: call.requestId, model: call.label };
    if (built.api === 'chat') {
      yield* this.emitFinal(chatCompletionEvents(json, ctx), call);
      return { kind: 'done' };
    }
    const status = responseStatus(json);
    if ((status === 'queued' || status === 'in_progress') && typeof bodyId === 'string') {
      if (!built.background) call.log('warn', `The gateway answered “${status}” to a request that was not in background mode; polling.`);
      return yield* this.poll(bodyId, call, baseUrl);
    }
    yield* this.emitFinal(responseEvents(json, ctx), call);
    return { kind: 'done' };
  }

  private *emitFinal(events: StreamEvent[], call: Call): Generator<StreamEvent, void, undefined> {
    for (const event of events) {
      if (event.type === 'finish') {
        const usage = events.find((e): e is Extract<StreamEvent, { type: 'usage' }> => e.type === 'usage')?.usage;
        call.log('info', `${call.label}: finished (${event.reason}) in ${call.elapsed()} ms, ${describeUsage(usage)}${call.requestId ? `, request ${call.requestId}` : ''}`);
      }
      yield event;
    }
  }

  /** SSE body -> events, chunk by chunk (no accumulation). Ends with a terminal event or throws. */
  private async *readStream(body: Body, built: BuiltRequest, call: Call, url: URL): AsyncGenerator<StreamEvent, void, undefined> {
    const translator = createTranslator(built.api, { requestId: call.requestId, model: call.label });
    let pending: SseMessage[] = [];
    const decoder = new SseDecoder((message) => pending.push(message));
    const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let complete = false;
    let announced = false;
    let gotBytes = false;
    let received = 0;
    const announce = function* (): Generator<StreamEvent, void, undefined> {
      if (announced) return;
      announced = true;
      call.requestId ??= translator.responseId;
      yield { type: 'request', requestId: call.requestId, api: built.api, url: url.href };
    };
    if (call.requestId) yield* announce();
    try {
      while (!translator.done) {
        let next: IteratorResult<Buffer>;
        try {
          next = yield* this.waitFor(iterator.next(), call, () => (gotBytes ? `${call.label} is writing…` : `${call.label} is thinking…`));
        } catch (caught) {
          throw errorFromTransport(caught, { aborted: call.aborted, timeoutSeconds: this.timeoutMs / 1000, url: url.href, phase: gotBytes ? 'in the middle of the answer' : 'before the first byte of the answer' });
        }
        const atEnd = next.done === true;
        if (atEnd) {
          complete = true;
          decoder.end();
        } else {
          gotBytes = true;
          received += next.value.length;
          decoder.push(next.value);
        }
        const messages = pending;
        pending = [];
        for (const message of messages) {
          const events = translator.push(message, atEnd);
          if (events.length > 0) yield* announce();
          yield* this.emitFinal(events, call);
          if (translator.done) break;
        }
        if (atEnd) {
          yield* announce();
          yield* this.emitFinal(translator.end(), call);
          return;
        }
      }
    } finally {
      if (!complete) {
        if (translator.done && !call.aborted) {
          // The answer is complete; read the little that may follow ([DONE], chunk end) to keep the connection.
          // (undici's dump limit counts the bytes already read.)
          await body.dump({ limit: received + 64 * 1024, signal: AbortSignal.any([call.signal, AbortSignal.timeout(1000)]) }).catch(() => destroyBody(body));
        } else {
          destroyBody(body);
        }
      }
    }
  }

  /** Background mode: poll GET /responses/{id} with backoff until a final status. */
  private async *poll(id: string, call: Call, baseUrl: string): AsyncGenerator<StreamEvent, AttemptOutcome, undefined> {
    const url = this.url(baseUrl, `/responses/${encodeURIComponent(id)}`);
    let delay = this.backgroundPolicy.initialPollMs;
    let failures = 0;
    let status = 'queued';
    yield { type: 'request', requestId: call.requestId, api: 'responses', url: url.href };
    try {
      for (;;) {
        yield* this.pause(delay, call, () => `${call.label}: ${status === 'queued' ? 'queued' : 'working'} in background…`);
        let response: Dispatcher.ResponseData;
        try {
          response = yield* this.waitFor(this.send(call, url, 'GET', undefined, 'application/json'), call, () => `${call.label}: working in background…`);
        } catch (caught) {
          const error = errorFromTransport(caught, { aborted: call.aborted, timeoutSeconds: this.timeoutMs / 1000, url: url.href, phase: 'while polling' });
          if (error.kind === 'cancelled' || ++failures > this.retry.maxRetries) throw error;
          call.log('warn', `Polling ${id} failed (${error.toLogString()}); trying again.`);
          continue;
        }
        if (response.statusCode === 404 || response.statusCode === 405) {
          await discardBody(response.body);
          call.log('warn', `GET ${url.pathname} answered ${response.statusCode}: no background polling at this gateway.`);
          return { kind: 'background-unsupported', responseId: id };
        }
        if (response.statusCode >= 400) {
          const error = await this.httpError(response, call, url);
          if (error.kind === 'cancelled') throw error;
          if (error.retryable && ++failures <= this.retry.maxRetries) {
            call.log('warn', `Polling ${id}: ${error.toLogString()}; trying again.`);
            continue;
          }
          throw error;
        }
        failures = 0;
        const text = yield* this.readText(response.body, call, () => `${call.label}: working in background…`);
        let json: unknown;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          throw new ApiError({ kind: 'protocol', detail: 'a background poll answer was not JSON', requestId: call.requestId });
        }
        status = responseStatus(json) ?? 'unknown';
        call.log('debug', `Polled ${id}: ${status}`);
        if (status !== 'queued' && status !== 'in_progress') {
          yield* this.emitFinal(responseEvents(json, { requestId: call.requestId ?? id, model: call.label }), call);
          return { kind: 'done' };
        }
        delay = Math.min(this.backgroundPolicy.maxPollMs, Math.round(delay * this.backgroundPolicy.factor));
      }
    } catch (caught) {
      if (call.aborted) {
        this.cancelInBackground(baseUrl, id, call);
        throw ApiError.cancelled();
      }
      throw caught;
    }
  }

  /** POST /responses/{id}/cancel, not awaited by the caller (dispose() waits for it). */
  private cancelInBackground(baseUrl: string, id: string, call: Call): void {
    const url = this.url(baseUrl, `/responses/${encodeURIComponent(id)}/cancel`);
    const key = call.key;
    const promise = (async () => {
      try {
        const response = await this.dispatcher.request({
          origin: url.origin,
          path: url.pathname,
          method: 'POST',
          headers: { authorization: `Bearer ${key ?? ''}`, accept: 'application/json', 'content-type': 'application/json', 'user-agent': this.opts.userAgent ?? 'reasoner-vscode' },
          body: '{}',
          signal: AbortSignal.timeout(10_000),
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await response.body.dump();
        this.logger.info(`Cancelled background response ${id}: HTTP ${response.statusCode}.`);
      } catch (caught) {
        this.logger.warn(redact(`Could not cancel background response ${id}: ${caught instanceof Error ? caught.message : String(caught)}`, key));
      }
    })();
    this.pendingCancels.add(promise);
    void promise.finally(() => this.pendingCancels.delete(promise));
  }

}

function safeHost(location: string): string {
  try {
    return new URL(location).host;
  } catch {
    return 'another address';
  }
}

// ---------------------------------------------------------------------------
// Collecting an answer

export interface Answer {
  readonly text: string;
  readonly reasoning: string;
  readonly usage?: Usage;
  readonly finish?: FinishReason;
  readonly error?: import('../common/errors').ApiError;
  readonly requestId?: string;
  /** Something the user should know about a finished answer (empty because of the token budget, cut off). */
  readonly notice?: string;
  readonly elapsedMs: number;
}

export interface CollectOptions {
  /** Called for every event as it arrives (streaming UIs). */
  readonly onEvent?: (event: StreamEvent) => void;
  /** Used in the notice for answers that hit the token limit. */
  readonly maxOutputTokens?: number | null;
  readonly effort?: ReasoningRequest['effort'];
}

/** Drain an event stream into an {@link Answer}. Never throws for API problems. */
export async function collectAnswer(events: AsyncIterable<StreamEvent>, opts: CollectOptions | ((event: StreamEvent) => void) = {}): Promise<Answer> {
  const options: CollectOptions = typeof opts === 'function' ? { onEvent: opts } : opts;
  const started = Date.now();
  const text: string[] = [];
  const reasoning: string[] = [];
  let usage: Usage | undefined;
  let finish: FinishReason | undefined;
  let error: ApiError | undefined;
  let requestId: string | undefined;
  for await (const event of events) {
    options.onEvent?.(event);
    switch (event.type) {
      case 'text':
        text.push(event.delta);
        break;
      case 'reasoning':
        reasoning.push(event.delta);
        break;
      case 'usage':
        usage = event.usage;
        break;
      case 'request':
        requestId = event.requestId ?? requestId;
        break;
      case 'finish':
        finish = event.reason;
        break;
      case 'error':
        error = event.error;
        requestId ??= event.error.requestId;
        break;
      case 'progress':
        break;
    }
  }
  const answerText = text.join('');
  const notice = error
    ? undefined
    : emptyAnswerMessage(finish, answerText, { maxOutputTokens: options.maxOutputTokens, effort: options.effort, reasoningTokens: usage?.reasoningTokens })
      ?? truncatedAnswerMessage(finish, answerText);
  return {
    text: answerText,
    reasoning: reasoning.join(''),
    ...(usage ? { usage } : {}),
    ...(finish ? { finish } : {}),
    ...(error ? { error } : {}),
    ...(requestId ? { requestId } : {}),
    ...(notice ? { notice } : {}),
    elapsedMs: Date.now() - started,
  };
}

/** `client.stream(request)` drained into an {@link Answer}. */
export function runToCompletion(
  client: Pick<ReasoningClient, 'stream'>,
  request: ReasoningRequest,
  opts: { signal?: AbortSignal; onEvent?: (event: StreamEvent) => void } = {},
): Promise<Answer> {
  return collectAnswer(client.stream(request, opts.signal), {
    onEvent: opts.onEvent, maxOutputTokens: request.maxOutputTokens, effort: request.effort,
  });
}
