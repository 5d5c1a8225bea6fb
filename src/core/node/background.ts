/**
 * Background mode (responses API): poll GET /responses/{id} with backoff until a final
 * status, and POST /responses/{id}/cancel when the call is aborted. A 404/405 on the poll
 * means the gateway has no background polling; the client then streams instead.
 */

import { ApiError } from '../common/errors';
import type { Logger } from '../common/logger';
import { redact } from '../common/redact';
import type { StreamEvent } from '../common/types';
import { formatWait, type Call } from './call';
import { responseEvents, responseStatus } from './stream';
import { discardBody, endpoint, type Response, type Transport } from './transport';

export interface BackgroundPolicy {
  /** First wait before polling. Default 1000 ms. */
  readonly initialPollMs: number;
  /** Longest wait between polls. Default 10 000 ms. */
  readonly maxPollMs: number;
  /** Growth of the wait per poll. Default 1.5. */
  readonly factor: number;
  /** Longest wait between polls while the gateway cannot be reached (the wait doubles up to it). Default 60 000 ms. */
  readonly offlinePollMs: number;
}

export const DEFAULT_BACKGROUND_POLICY: BackgroundPolicy = Object.freeze({ initialPollMs: 1000, maxPollMs: 10_000, factor: 1.5, offlinePollMs: 60_000 });

/** How polling ended when it did not throw. */
export type PollOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'background-unsupported'; readonly responseId?: string };

const CANCEL_TIMEOUT_MS = 10_000;

/**
 * The reason to abort a poll with when the window goes away but the job should not: the gateway
 * keeps it, and a later window polls it again. Any other abort cancels the job at the gateway.
 */
export class JobDetached extends Error {
  constructor() {
    super('the window closed; the background job goes on');
  }
}

export function isJobDetached(reason: unknown): boolean {
  return reason instanceof JobDetached;
}

export class BackgroundResponses {
  private readonly pendingCancels = new Set<Promise<boolean>>();

  constructor(
    private readonly transport: Transport,
    private readonly policy: BackgroundPolicy,
    /** Failed polls in a row tolerated before giving up. */
    private readonly maxRetries: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Poll until a final status; its events end with the answer's terminal event. While the gateway
   * cannot be reached the polls back off and go on (the job runs on there; nothing is lost by waiting).
   * `resumed`: the job was started by an earlier window, so a 404 means the gateway forgot it.
   */
  async *poll(id: string, call: Call, baseUrl: string, resumed = false): AsyncGenerator<StreamEvent, PollOutcome, undefined> {
    const url = endpoint(baseUrl, `/responses/${encodeURIComponent(id)}`);
    let delay = this.policy.initialPollMs;
    let failures = 0;
    let status = 'queued';
    yield { type: 'request', requestId: call.requestId, api: 'responses', url: url.href };
    try {
      for (;;) {
        yield* call.pause(delay, () => status === 'unreachable'
          ? `${call.label}: the gateway cannot be reached; the answer goes on there, trying again…`
          : `${call.label}: ${status === 'queued' ? 'queued' : 'working'} in background…`);
        let response: Response;
        try {
          response = yield* call.waitFor(this.transport.send(call, url, 'GET', undefined, 'application/json'), () => `${call.label}: working in background…`);
        } catch (caught) {
          const error = this.transport.failure(caught, call, url, 'while polling');
          if (error.kind === 'cancelled') throw error;
          // Offline: the job runs on at the gateway, so polling goes on (until the call's deadline), ever more slowly.
          delay = Math.min(this.policy.offlinePollMs, Math.round(delay * 2));
          call.log('warn', `Polling ${id} failed (${error.toLogString()}); trying again in ${formatWait(delay)}.`);
          status = 'unreachable';
          continue;
        }
        if (resumed && response.statusCode === 404) {
          const error = await this.transport.readError(response, call, url);
          throw error.with({
            userMessage: 'The gateway no longer knows this background answer (it may have expired, or it was started with another API key), so it cannot be fetched. Your question is kept: ask again.',
            actions: ['retry'],
          });
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
        if (status === 'unreachable') status = 'in_progress';
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
        if (isJobDetached(call.signal.reason)) call.log('info', `${call.label}: left background answer ${id} running at the gateway.`);
        else this.cancel(baseUrl, id, call);
        throw ApiError.cancelled();
      }
      throw caught;
    }
  }

  /** POST /responses/{id}/cancel, not awaited by the caller ({@link settled} waits for it). */
  cancel(baseUrl: string, id: string, call: Call): void {
    void this.cancelWithKey(baseUrl, id, call.key);
  }

  /** POST /responses/{id}/cancel; resolves to whether the gateway took it (a failure is logged). */
  cancelWithKey(baseUrl: string, id: string, key: string | undefined): Promise<boolean> {
    const url = endpoint(baseUrl, `/responses/${encodeURIComponent(id)}/cancel`);
    const promise = (async () => {
      try {
        const response = await this.transport.postDetached(url, key, CANCEL_TIMEOUT_MS);
        await response.body.dump();
        this.logger.info(`Cancelled background response ${id}: HTTP ${response.statusCode}.`);
        return response.statusCode < 300;
      } catch (caught) {
        this.logger.warn(redact(`Could not cancel background response ${id}: ${caught instanceof Error ? caught.message : String(caught)}`, key));
        return false;
      }
    })();
    this.pendingCancels.add(promise);
    void promise.finally(() => this.pendingCancels.delete(promise));
    return promise;
  }

  /** Resolves when every cancel sent so far has answered or failed. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.pendingCancels]);
  }
}
