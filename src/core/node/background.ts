/**
 * Background mode (responses API): poll GET /responses/{id} with backoff until a final
 * status, and POST /responses/{id}/cancel when the call is aborted. A 404/405 on the poll
 * means the gateway has no background polling; the client then streams instead.
 */

import { ApiError } from '../common/errors';
import type { Logger } from '../common/logger';
import { redact } from '../common/redact';
import type { StreamEvent } from '../common/types';
import type { Call } from './call';
import { responseEvents, responseStatus } from './stream';
import { discardBody, endpoint, type Response, type Transport } from './transport';

export interface BackgroundPolicy {
  /** First wait before polling. Default 1000 ms. */
  readonly initialPollMs: number;
  /** Longest wait between polls. Default 10 000 ms. */
  readonly maxPollMs: number;
  /** Growth of the wait per poll. Default 1.5. */
  readonly factor: number;
}

export const DEFAULT_BACKGROUND_POLICY: BackgroundPolicy = Object.freeze({ initialPollMs: 1000, maxPollMs: 10_000, factor: 1.5 });

/** How polling ended when it did not throw. */
export type PollOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'background-unsupported'; readonly responseId?: string };

const CANCEL_TIMEOUT_MS = 10_000;

export class BackgroundResponses {
  private readonly pendingCancels = new Set<Promise<void>>();

  constructor(
    private readonly transport: Transport,
    private readonly policy: BackgroundPolicy,
    /** Failed polls in a row tolerated before giving up. */
    private readonly maxRetries: number,
    private readonly logger: Logger,
  ) {}

  /** Poll until a final status; its events end with the answer's terminal event. */
  async *poll(id: string, call: Call, baseUrl: string): AsyncGenerator<StreamEvent, PollOutcome, undefined> {
    const url = endpoint(baseUrl, `/responses/${encodeURIComponent(id)}`);
    let delay = this.policy.initialPollMs;
    let failures = 0;
    let status = 'queued';
    yield { type: 'request', requestId: call.requestId, api: 'responses', url: url.href };
    try {
      for (;;) {
        yield* call.pause(delay, () => `${call.label}: ${status === 'queued' ? 'queued' : 'working'} in background…`);
        let response: Response;
        try {
          response = yield* call.waitFor(this.transport.send(call, url, 'GET', undefined, 'application/json'), () => `${call.label}: working in background…`);
        } catch (caught) {
          const error = this.transport.failure(caught, call, url, 'while polling');
          if (error.kind === 'cancelled' || ++failures > this.maxRetries) throw error;
          call.log('warn', `Polling ${id} failed (${error.toLogString()}); trying again.`);
          continue;
        }
        if (response.statusCode === 404 || response.statusCode === 405) {
          await discardBody(response.body);
          call.log('warn', `GET ${url.pathname} answered ${response.statusCode}: no background polling at this gateway.`);
          return { kind: 'background-unsupported', responseId: id };
        }
        if (response.statusCode >= 400) {
          const error = await this.transport.readError(response, call, url);
          if (error.kind === 'cancelled') throw error;
          if (error.retryable && ++failures <= this.maxRetries) {
            call.log('warn', `Polling ${id}: ${error.toLogString()}; trying again.`);
            continue;
          }
          throw error;
        }
        failures = 0;
        const text = yield* this.transport.readText(response.body, call, () => `${call.label}: working in background…`);
        let json: unknown;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          throw new ApiError({ kind: 'protocol', detail: 'a background poll answer was not JSON', requestId: call.requestId });
        }
        status = responseStatus(json) ?? 'unknown';
        call.log('debug', `Polled ${id}: ${status}`);
        if (status !== 'queued' && status !== 'in_progress') {
          yield* call.emitFinal(responseEvents(json, { ...call.toolCallContext(), requestId: call.requestId ?? id }));
          return { kind: 'done' };
        }
        delay = Math.min(this.policy.maxPollMs, Math.round(delay * this.policy.factor));
      }
    } catch (caught) {
      if (call.aborted) {
        this.cancel(baseUrl, id, call);
        throw ApiError.cancelled();
      }
      throw caught;
    }
  }

  /** POST /responses/{id}/cancel, not awaited by the caller ({@link settled} waits for it). */
  cancel(baseUrl: string, id: string, call: Call): void {
    const url = endpoint(baseUrl, `/responses/${encodeURIComponent(id)}/cancel`);
    const key = call.key;
    const promise = (async () => {
      try {
        const response = await this.transport.postDetached(url, key, CANCEL_TIMEOUT_MS);
        await response.body.dump();
        this.logger.info(`Cancelled background response ${id}: HTTP ${response.statusCode}.`);
      } catch (caught) {
        this.logger.warn(redact(`Could not cancel background response ${id}: ${caught instanceof Error ? caught.message : String(caught)}`, key));
      }
    })();
    this.pendingCancels.add(promise);
    void promise.finally(() => this.pendingCancels.delete(promise));
  }

  /** Resolves when every cancel sent so far has answered or failed. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.pendingCancels]);
  }
}
