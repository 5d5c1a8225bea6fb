/**
 * The client for the gateway: what it can be configured with, and the loop of one call
 * (attempts, retries and fallbacks). The pieces: transport.ts (HTTP), call.ts (per-call
 * state and waiting), attempt.ts (one exchange), streamReader.ts (SSE), background.ts
 * (polling and cancel), answer.ts (collecting an answer).
 *
 * - ONE keep-alive `Agent` per client, its header/body timeouts from `timeoutSeconds`
 *   (default 900 s: o3-pro may think for minutes before the first byte).
 * - Every request carries an AbortSignal; every response body is consumed or destroyed,
 *   also on abort and error (otherwise sockets and abort listeners leak).
 * - The API key is fetched per call from the `apiKey` provider, sent only to the configured
 *   base URL (redirects are never followed), and never passed to the logger. Every error a call
 *   hands on has the key taken out of its text (`ApiError.withoutKey`), whatever the gateway echoed.
 * - `stream()` yields {@link StreamEvent}s and ends with exactly one `finish` or `error`;
 *   it never throws for API or network problems.
 * - Retries: 429/500/502/503 and network errors before any response arrived, honouring
 *   `retry-after-ms`/`Retry-After` (<= 60 s), else exponential backoff with jitter; bounded in
 *   count and total wait; cancellable. Never 400/401/403/404, never once an answer started.
 * - A 400 naming `stream` -> the same request once more without streaming (remembered per model).
 * - Background mode (responses API): POST with background+store, poll GET /responses/{id},
 *   POST /responses/{id}/cancel on abort; a 404/405 there -> streaming, remembered per base URL.
 * - `progress` events at least every `progressIntervalMs` (1 s) while no bytes arrive.
 * - No call runs forever: a total deadline (`requestDeadlineMs`, 60 minutes) covers every attempt,
 *   wait and poll, and a stream bringing bytes but no answer is stopped (`maxBytesWithoutProgress`).
 */

import type { Dispatcher } from './undici';
import { checkBaseUrl, type BaseUrlCheck } from '../common/endpoint';
import { ApiError, isApiError } from '../common/errors';
import { NULL_LOGGER, type Logger } from '../common/logger';
import { buildRequest } from '../common/requests';
import type { ReasoningRequest, StreamEvent } from '../common/types';
import { attempt } from './attempt';
import { BackgroundResponses, DEFAULT_BACKGROUND_POLICY, type BackgroundPolicy } from './background';
import { Call, defaultSleep, formatWait, type CallPacing, type Sleep } from './call';
import { isBackgroundRefusal, isStreamRefusal } from './httpErrors';
import { InvalidProxyError, routeFor, type NetworkSettings, type Route } from './network';
import { deadlinePassed, effectiveDeadlineMs } from './requestLimits';
import { Transport } from './transport';
import { needsUserFix } from './transportErrors';

export { DEFAULT_BACKGROUND_POLICY, type BackgroundPolicy };

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
  /** Proxy and certificate settings (the editor's `http.*` and the environment). Default: direct, Node's CAs. */
  readonly network?: NetworkSettings;
  /** Interval of `progress` events while nothing arrives. Default 1000 ms. */
  readonly progressIntervalMs?: number;
  readonly userAgent?: string;
  /** The most text (answer, reasoning and tool calls) one answer may bring before it ends as too large. Default 8 MiB. */
  readonly maxAnswerBytes?: number;
  /** The longest one `stream()` call may take, retries and background polling included. Default 60 minutes. */
  readonly requestDeadlineMs?: number;
  /** The most bytes a streamed answer may bring without any text, reasoning or tool call (keep-alives, empty deltas). Default 1 MiB. */
  readonly maxBytesWithoutProgress?: number;
  /** Waits between attempts and polls (tests inject one to record the delays). Must reject when `signal` aborts. */
  readonly sleep?: Sleep;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

export class ReasoningClient {
  private readonly baseUrlCheck: BaseUrlCheck;
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private readonly pacing: CallPacing;
  private readonly random: () => number;
  private readonly transport: Transport;
  private readonly background: BackgroundResponses;
  /** Where requests go; undefined when the base URL or the proxy setting is unusable. */
  readonly route: Route | undefined;
  private readonly routeError: ApiError | undefined;
  /** Base URLs whose gateway lacks GET /responses/{id} (or refuses `background`). */
  private readonly backgroundUnsupported = new Set<string>();
  /** `${baseUrl} ${model}` pairs that refused `stream: true`. */
  private readonly streamRefused = new Set<string>();
  private readonly active = new Set<Call>();
  private disposed = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: ReasoningClientOptions) {
    // One policy for where the key may go (endpoint.ts): https, or http on loopback only.
    this.baseUrlCheck = checkBaseUrl(opts.baseUrl);
    const seconds = opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0 ? opts.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.logger = opts.logger ?? NULL_LOGGER;
    this.pacing = { progressIntervalMs: opts.progressIntervalMs ?? 1000, sleep: opts.sleep ?? defaultSleep, deadlineMs: effectiveDeadlineMs(opts.requestDeadlineMs) };
    this.random = opts.random ?? Math.random;
    let route: Route | undefined;
    try {
      route = this.baseUrlCheck.ok ? routeFor(new URL(this.baseUrlCheck.url), opts.network ?? {}) : undefined;
    } catch (caught) {
      if (!(caught instanceof InvalidProxyError)) throw caught;
      this.routeError = new ApiError({ kind: 'config', userMessage: `The proxy setting cannot be used: ${caught.message}. Fix http.proxy (or HTTPS_PROXY).`, actions: ['proxySettings'] });
    }
    this.route = route;
    this.transport = new Transport({
      timeoutMs: Math.round(seconds * 1000), userAgent: opts.userAgent, dispatcher: opts.dispatcher, maxAnswerBytes: opts.maxAnswerBytes,
      maxBytesWithoutProgress: opts.maxBytesWithoutProgress,
      ...(route ? { route } : {}), ...(opts.network ? { network: opts.network } : {}),
    });
    this.background = new BackgroundResponses(this.transport, { ...DEFAULT_BACKGROUND_POLICY, ...opts.background }, this.retry.maxRetries, this.logger);
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
  stream(request: ReasoningRequest, signal?: AbortSignal, apiKey?: string): AsyncGenerator<StreamEvent, void, undefined> {
    const call = new Call(request.model.label, this.logger, signal, this.pacing, new Set((request.tools ?? []).map((tool) => tool.name)));
    return this.settled(call, this.guarded(call, (baseUrl) => this.run(request, call, baseUrl), apiKey));
  }

  /**
   * Fetch a background answer an earlier window started (`GET /responses/{id}` until it ends), with the
   * same events and guarantees as {@link stream}. A job the gateway no longer knows ends in an error.
   */
  resume(model: ReasoningRequest['model'], responseId: string, signal?: AbortSignal, apiKey?: string): AsyncGenerator<StreamEvent, void, undefined> {
    const call = new Call(model.label, this.logger, signal, this.pacing);
    return this.settled(call, this.guarded(call, (baseUrl) => this.poll(responseId, call, baseUrl), apiKey));
  }

  private async *poll(responseId: string, call: Call, baseUrl: string): AsyncGenerator<StreamEvent, void, undefined> {
    call.log('info', `${call.label}: fetching background answer ${responseId} again.`);
    yield { type: 'background', responseId };
    const outcome = yield* this.background.poll(responseId, call, baseUrl, true);
    if (outcome.kind !== 'done') {
      throw new ApiError({ kind: 'protocol', detail: 'the gateway stopped answering polls for background answers', requestId: call.requestId });
    }
  }

  /** Tells the gateway to cancel a background job no call of this client polls (so billing stops). */
  async cancelJob(responseId: string, apiKey: string): Promise<boolean> {
    if (!this.baseUrlCheck.ok) throw new ApiError({ kind: 'config', userMessage: this.baseUrlCheck.message, actions: ['openSettings'] });
    return this.background.cancelWithKey(this.baseUrlCheck.url, responseId, apiKey);
  }

  /** Every call's events leave through here: exactly one terminal event, errors without the key. */
  private async *settled(call: Call, events: AsyncGenerator<StreamEvent, void, undefined>): AsyncGenerator<StreamEvent, void, undefined> {
    this.active.add(call);
    let terminal = false;
    try {
      for await (const event of events) {
        if (terminal) continue;
        if (event.type === 'finish' || event.type === 'error') terminal = true;
        // Every error of a call leaves here, and only here is the key taken out of what the gateway said.
        yield event.type === 'error' ? { type: 'error', error: event.error.withoutKey(call.key) } : event;
      }
      if (!terminal) {
        terminal = true;
        yield { type: 'error', error: new ApiError({ kind: 'protocol', detail: 'the answer ended without a result', requestId: call.requestId }) };
      }
    } finally {
      this.active.delete(call);
      call.close();
      if (this.active.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Resolves once no call is running (an aborted poll registers its cancel on the way out). */
  private idle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Abort running calls, wait briefly for background cancels, close the connection pool. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const call of this.active) call.controller.abort(new Error('client disposed'));
    // Calls end first, so that a job still polling has asked for its cancel before we wait for the cancels.
    const drained = this.idle().then(() => this.background.settled());
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await this.transport.close();
  }

  /** Checks the settings, reads the key, then runs `body`; whatever it throws ends the call as one `error` event. */
  private async *guarded(
    call: Call, body: (baseUrl: string) => AsyncGenerator<StreamEvent, void, undefined>, apiKey: string | undefined,
  ): AsyncGenerator<StreamEvent, void, undefined> {
    try {
      if (this.disposed) throw new ApiError({ kind: 'config', userMessage: 'The Reasoner client was shut down; try again.' });
      if (!this.baseUrlCheck.ok) throw new ApiError({ kind: 'config', userMessage: this.baseUrlCheck.message, actions: ['openSettings'] });
      if (this.routeError) throw this.routeError;
      const baseUrl = this.baseUrlCheck.url;
      if (call.aborted) throw ApiError.cancelled();
      const provider = this.opts.apiKey;
      let key: string | undefined = apiKey;
      if (key === undefined && provider) {
        try {
          key = yield* call.waitFor(Promise.resolve().then(() => provider()), () => 'Reading the API key…');
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
      yield* body(baseUrl);
    } catch (caught) {
      const error = isApiError(caught) ? caught : this.transport.failure(caught, call);
      const final = call.deadlineReached ? deadlinePassed(this.pacing.deadlineMs, call.requestId)
        : call.aborted && error.kind !== 'cancelled' ? ApiError.cancelled() : error;
      if (final.kind === 'cancelled') call.log('info', `${call.label}: cancelled after ${call.elapsed()} ms.`);
      else call.log('error', `${call.label}: ${final.toLogString()}`);
      yield { type: 'error', error: final.requestId || !call.requestId ? final : final.with({ requestId: call.requestId }) };
    }
  }

  /** Sends the request, with retries and the fallbacks for gateways that refuse streaming or background mode. */
  private async *run(request: ReasoningRequest, call: Call, baseUrl: string): AsyncGenerator<StreamEvent, void, undefined> {
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
      const outcome = yield* attempt({ transport: this.transport, background: this.background }, built, request, call, baseUrl);
      if (outcome.kind === 'done') return;
      if (outcome.kind === 'background-unsupported') {
        this.backgroundUnsupported.add(baseUrl);
        if (outcome.responseId) this.background.cancel(baseUrl, outcome.responseId, call);
        if (backgroundFallbackUsed) throw new ApiError({ kind: 'protocol', detail: 'background mode fallback failed', requestId: call.requestId });
        backgroundFallbackUsed = true;
        call.log('warn', `Background mode is not available at ${baseUrl}; streaming instead (remembered for this session).`);
        yield { type: 'background' };
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
      const retryable = outcome.beforeResponse && (error.retryable || (error.kind === 'network' && !needsUserFix(error)));
      if (retryable && retries < this.retry.maxRetries) {
        const delay = this.retryDelay(error, retries);
        if (waited + delay <= this.retry.maxTotalWaitMs) {
          retries++;
          waited += delay;
          const why = error.status !== undefined ? `HTTP ${error.status}` : error.kind;
          call.log('warn', `${why} from ${built.path}${error.requestId ? ` (request ${error.requestId})` : ''}: ${error.serverMessage ?? error.detail ?? ''} — retry ${retries} of ${this.retry.maxRetries} in ${formatWait(delay)}.`);
          yield* call.pause(delay, (left) => `${error.kind === 'rate-limit' ? 'Rate limited' : 'The gateway failed'} (${why}); retrying in ${formatWait(left)} (retry ${retries} of ${this.retry.maxRetries})`);
          continue;
        }
      }
      throw retries > 0 ? error.with({ attempts: retries + 1 }) : error;
    }
  }

  private retryDelay(error: ApiError, retriesSoFar: number): number {
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, 60_000);
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** retriesSoFar);
    return Math.round(exp * (0.5 + this.random() * 0.5));
  }
}
