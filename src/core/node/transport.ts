/**
 * HTTP on undici for one client: ONE keep-alive `Agent` whose header/body timeouts are the
 * client's, one request at a time with the call's signal, and the bodies that come back.
 *
 * Every response body is consumed or destroyed, also on abort and error: otherwise sockets
 * and abort listeners leak. The key goes only in the authorization header (never logged),
 * and redirects are never followed (undici's `request` does not follow them).
 */

import type { Dispatcher, ResponseData } from './undici';
import { ApiError } from '../common/errors';
import type { StreamEvent } from '../common/types';
import type { Call } from './call';
import { errorFromHttp, type HeaderBag } from './httpErrors';
import { createDispatcher, type NetworkSettings, type Route } from './network';
import { DEFAULT_MAX_BYTES_WITHOUT_PROGRESS } from './requestLimits';
import { probeCertificate } from './tlsProbe';
import { errorFromTransport } from './transportErrors';

export type Response = ResponseData;
export type Body = Response['body'];

export interface TransportOptions {
  /** Headers and between-bytes timeout of every request of a call. */
  readonly timeoutMs: number;
  readonly userAgent?: string;
  /** A dispatcher to use instead of an own Agent (then not closed by `close`). */
  readonly dispatcher?: Dispatcher;
  /** Where requests go (direct or through a proxy) and what they trust; default: direct. */
  readonly route?: Route;
  readonly network?: NetworkSettings;
  /** The most answer text (and reasoning) one call may bring; see DEFAULT_MAX_ANSWER_BYTES. */
  readonly maxAnswerBytes?: number;
  /** The most bytes a stream may bring without any answer; see DEFAULT_MAX_BYTES_WITHOUT_PROGRESS. */
  readonly maxBytesWithoutProgress?: number;
}

/** One answer's limit: far beyond any real answer, well before an endless one hurts the editor. */
export const DEFAULT_MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** The error that ends an answer past the limit; a streamed answer keeps what arrived before it. */
export function answerTooLarge(limit: number, requestId: string | undefined, partKept: boolean): ApiError {
  const size = limit >= 1024 * 1024 ? `${Math.round(limit / (1024 * 1024))} MiB` : `${Math.round(limit / 1024)} KiB`;
  return new ApiError({ kind: 'protocol', requestId, detail: `the answer passed ${size}, the most Reasoner reads${partKept ? '; the part received is kept' : ''}` });
}

interface Exchange {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly key: string | undefined;
  readonly body?: string;
  readonly accept: string;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
}

/** `${baseUrl}${path}` as a URL (the base URL is already normalised, without a trailing slash). */
export function endpoint(baseUrl: string, path: string): URL {
  return new URL(`${baseUrl}${path}`);
}

/** Throw a body away; the no-op listener keeps undici's "Request aborted" from becoming an uncaught error. */
export function destroyBody(body: Body): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Read a small unwanted body to its end so the connection can be reused (bounded; destroyed beyond 64 KiB). */
export async function discardBody(body: Body): Promise<void> {
  body.on('error', () => undefined);
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

export class Transport {
  private readonly timeoutMs: number;
  readonly maxAnswerBytes: number;
  readonly maxBytesWithoutProgress: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  readonly route: Route | undefined;

  constructor(private readonly opts: TransportOptions) {
    this.timeoutMs = opts.timeoutMs;
    this.maxAnswerBytes = opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.maxBytesWithoutProgress = opts.maxBytesWithoutProgress ?? DEFAULT_MAX_BYTES_WITHOUT_PROGRESS;
    this.route = opts.route;
    if (opts.dispatcher) {
      this.dispatcher = opts.dispatcher;
      this.ownsDispatcher = false;
    } else {
      const timeouts = { timeoutMs: this.timeoutMs, connectTimeoutMs: Math.min(this.timeoutMs, 30_000) };
      this.dispatcher = createDispatcher(opts.route, opts.network ?? {}, timeouts);
      this.ownsDispatcher = true;
    }
  }

  /** One HTTP request of a call, with the client's timeouts and the call's signal. */
  send(call: Call, url: URL, method: 'GET' | 'POST', body: string | undefined, accept: string): Promise<Response> {
    return this.request({ url, method, key: call.key, body, accept, signal: call.signal, timeoutMs: this.timeoutMs });
  }

  /** A small POST outside any call (it outlives the call's signal), with its own short timeout. */
  postDetached(url: URL, key: string | undefined, timeoutMs: number): Promise<Response> {
    return this.request({ url, method: 'POST', key, body: '{}', accept: 'application/json', signal: AbortSignal.timeout(timeoutMs), timeoutMs });
  }

  /** A transport failure of a call as an ApiError (`cancelled` once the call was aborted). */
  failure(caught: unknown, call: Call, url?: URL, phase?: string): ApiError {
    return errorFromTransport(caught, {
      aborted: call.aborted, timeoutSeconds: this.timeoutMs / 1000,
      ...(url ? { url: url.href } : {}), ...(phase ? { phase } : {}),
      ...(this.route?.proxy ? { proxy: this.route.proxy.display } : {}),
    });
  }

  /**
   * A certificate failure with the issuer named: a second handshake that sends nothing
   * (no request, no key) reads the chain the server presented. Other errors pass through.
   */
  async explainCertificate(error: ApiError, url: URL): Promise<ApiError> {
    if (error.network?.problem !== 'certificate' || error.network.issuer || !this.route) return error;
    const seen = await probeCertificate({ ...this.route, target: url }, this.opts.network ?? {}, 5000).catch(() => undefined);
    return seen?.issuer ? error.with({ network: { ...error.network, issuer: seen.issuer } }) : error;
  }

  /** Read a whole (small) body as text, bounded, with progress. Always consumes or destroys it. */
  async *readText(body: Body, call: Call, status: () => string, limit = this.maxAnswerBytes): AsyncGenerator<StreamEvent, string, undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let complete = false;
    try {
      for (;;) {
        const next = yield* call.waitFor(iterator.next(), status);
        if (next.done) break;
        size += next.value.length;
        if (size > limit) throw answerTooLarge(limit, call.requestId, false);
        chunks.push(next.value);
      }
      complete = true;
      return Buffer.concat(chunks).toString('utf8');
    } finally {
      if (!complete) destroyBody(body);
    }
  }

  /** An HTTP error answer as an ApiError, its body read (bounded); the client takes the key out of every error it hands on. */
  async readError(response: Response, call: Call, url: URL): Promise<ApiError> {
    let text = '';
    try {
      // Error bodies are small; a bounded read (no progress needed).
      const read = this.readText(response.body, call, () => 'Reading the error…', 1024 * 1024);
      for (;;) {
        const step = await read.next();
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
    return errorFromHttp({
      status: response.statusCode,
      headers: response.headers as HeaderBag,
      bodyText: text,
      model: call.label,
      url: url.href,
    });
  }

  /** Close the connection pool (only when the transport made it). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.destroy().catch(() => undefined);
  }

  private request(exchange: Exchange): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${exchange.key ?? ''}`,
      accept: exchange.accept,
      'user-agent': this.opts.userAgent ?? 'reasoner-vscode',
    };
    if (exchange.body !== undefined) headers['content-type'] = 'application/json';
    return this.dispatcher.request({
      origin: exchange.url.origin,
      path: `${exchange.url.pathname}${exchange.url.search}`,
      method: exchange.method,
      headers,
      body: exchange.body ?? null,
      signal: exchange.signal,
      headersTimeout: exchange.timeoutMs,
      bodyTimeout: exchange.timeoutMs,
    });
  }
}
