/**
 * The fault matrix through the client: every way the gateway (or the network
 * between) can fail, and what the person then has. Each case checks the four
 * promises: a message that says what happened with a way forward, the partial
 * answer kept (and marked by the error that ended it), no unhandled rejection,
 * and the next request on the same client working. docs/fault-matrix.md is the
 * table of these cases.
 */
import * as assert from 'node:assert/strict';
import type { ReasoningClient } from '../../src/core/node/client';
import { runToCompletion } from '../../src/core/node/answer';
import { presentActions } from '../../src/core/common/errorPresenter';
import { COMMANDS } from '../../src/core/common/commands';
import type { SimScript, Simulator } from '../simulator/simulator';
import { request, simulatorSuite } from './support-core/harness';

interface FaultCase {
  readonly name: string;
  readonly model?: string;
  readonly scripts: readonly SimScript[];
  /** The error kind the person sees; undefined when the client recovers on its own. */
  readonly kind?: string;
  /** Words the message must contain (the server's own, or the fix). */
  readonly says?: RegExp;
  /** The answer text that must survive (partial answers). */
  readonly keeps?: string;
  /** A finished answer that carries a notice instead of an error. */
  readonly notice?: RegExp;
  readonly finish?: string;
  readonly backgroundMode?: '404';
  readonly timeoutSeconds?: number;
}

/** Streamed six characters a delta, so a fault right after the first text event leaves "The fi". */
const PARTIAL = 'The first half of the answer, then trouble';

const CASES: readonly FaultCase[] = [
  { name: '400 with the server\'s message', scripts: [{ status: 400, message: 'Unsupported parameter: reasoning_effort' }], kind: 'bad-request', says: /Unsupported parameter: reasoning_effort/ },
  { name: '400 refusing stream is retried without streaming', scripts: [{ refuseStream: true, text: 'answered without streaming' }], keeps: 'answered without streaming' },
  { name: '401 in the gateway\'s shape', scripts: [{ status: 401, errorShape: 'gateway', message: 'Invalid API key provided' }], kind: 'auth', says: /Invalid API key provided.*Set API Key/ },
  { name: '403 out of credits', scripts: [{ status: 403, message: 'Insufficient credits' }], kind: 'credits', says: /Insufficient credits.*billing/ },
  { name: '404 unknown model', scripts: [{ status: 404, errorShape: 'title', message: 'Model not found' }], kind: 'not-found', says: /Model not found.*reasoner\.baseUrl/ },
  { name: '408 request timeout', scripts: [{ status: 408, errorShape: 'text', message: 'Request Timeout' }], kind: 'timeout', says: /Try again/ },
  { name: '413 payload too large', scripts: [{ status: 413, message: 'Request too large' }], kind: 'bad-request', says: /Request too large/ },
  { name: '422 unprocessable', scripts: [{ status: 422, message: 'messages must not be empty' }], kind: 'bad-request', says: /messages must not be empty/ },
  { name: '429 with Retry-After, then an answer', scripts: [{ status: 429, headers: { 'retry-after-ms': '20' } }, { text: 'after the rate limit' }], keeps: 'after the rate limit' },
  { name: '429 that never lets up', scripts: [{ status: 429, times: 10, message: 'Rate limit reached' }], kind: 'rate-limit', says: /Rate limit reached.*Wait a moment/ },
  { name: '500 as an HTML page, every retry', scripts: [{ status: 500, errorShape: 'html', times: 10 }], kind: 'server', says: /HTML page/ },
  { name: '502 with an empty body, then an answer', scripts: [{ status: 502, errorShape: 'empty' }, { text: 'recovered from a 502' }], keeps: 'recovered from a 502' },
  { name: '503 as text, every retry', scripts: [{ status: 503, errorShape: 'text', message: 'upstream unavailable', times: 10 }], kind: 'server', says: /upstream unavailable/ },
  { name: '504 generation timed out at the gateway', scripts: [{ status: 504, message: 'Generation timed out' }], kind: 'gateway-timeout', says: /Generation timed out.*lower reasoning effort/ },
  { name: 'connection reset before any answer, then an answer', scripts: [{ fault: 'reset-before-headers' }, { text: 'after a reset' }], keeps: 'after a reset' },
  { name: 'connection reset mid-answer', scripts: [{ text: `${PARTIAL} and more`, fault: 'reset' }], kind: 'network', keeps: 'The fi' },
  { name: 'stream stalls mid-answer', scripts: [{ text: `${PARTIAL} and more`, fault: 'stall' }], kind: 'timeout', keeps: 'The fi', timeoutSeconds: 0.3 },
  { name: 'stream closes cleanly mid-answer', scripts: [{ text: `${PARTIAL} and more`, fault: 'close' }], kind: 'network', keeps: 'The fi' },
  { name: 'no headers within the timeout', scripts: [{ headersDelayMs: 2000, text: 'too late' }], kind: 'timeout', says: /requestTimeoutSeconds/, timeoutSeconds: 0.3 },
  { name: 'chat: an in-band error after some text', scripts: [{ text: PARTIAL, errorEvent: { message: 'The upstream model crashed', afterDeltas: 3 } }], kind: 'server', says: /The upstream model crashed/, keeps: 'The first' },
  { name: 'responses: an in-band error after some text', model: 'o3-pro', scripts: [{ text: PARTIAL, errorEvent: { message: 'The upstream model crashed', code: 'server_error', afterDeltas: 3 } }], says: /The upstream model crashed/, keeps: 'The first', kind: 'server' },
  { name: 'responses: response.failed', model: 'o3-pro', scripts: [{ failed: { message: 'Reasoning failed', code: 'server_error' } }], kind: 'server', says: /Reasoning failed/ },
  { name: 'responses: incomplete at the output limit', model: 'o3-pro', scripts: [{ text: PARTIAL, incomplete: 'max_output_tokens' }], finish: 'incomplete:max_output_tokens', keeps: PARTIAL, notice: /cut off.*maxOutputTokens/ },
  { name: 'chat: the whole budget went to reasoning', scripts: [{ text: '', finish: 'length', usage: { output: 4000, reasoning: 4000 } }], finish: 'length', notice: /no answer.*maxOutputTokens/ },
  { name: 'chat: cut by the content filter', scripts: [{ text: PARTIAL, finish: 'content_filter' }], finish: 'content_filter', keeps: PARTIAL },
  { name: 'a 200 whose body is not JSON', scripts: [{ raw: 'this is not json', contentType: 'application/json' }], kind: 'protocol', says: /could not read/ },
  { name: 'a 200 HTML page from a proxy', scripts: [{ raw: '<html><body>Login to the proxy</body></html>', contentType: 'text/html' }], kind: 'protocol', says: /HTML page/ },
  { name: 'a redirect is not followed', scripts: [{ status: 302, headers: { location: 'https://elsewhere.example/v1/chat/completions' } }], kind: 'config', says: /elsewhere\.example.*reasoner\.baseUrl/ },
  { name: 'unknown events and comments are ignored', scripts: [{ text: 'despite the noise', unknownEvents: true }], keeps: 'despite the noise' },
  { name: 'background polling missing falls back to streaming', model: 'o3-pro', backgroundMode: '404', scripts: [{ text: 'streamed after all', times: 2 }], keeps: 'streamed after all' },
];

describe('fault matrix through the client', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let client: ReasoningClient;
  let timeoutSeconds: number | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ ...(timeoutSeconds ? { timeoutSeconds } : {}), retry: { baseDelayMs: 5, maxDelayMs: 20 } }));

  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));

  it(`covers at least 25 cases (${CASES.length})`, () => assert.ok(CASES.length >= 25));

  for (const fault of CASES) {
    describe(fault.name, () => {
      before(() => { timeoutSeconds = fault.timeoutSeconds; });
      after(() => { timeoutSeconds = undefined; });

      it('ends with a message and a way forward, keeps what arrived, and the next request works', async () => {
        unhandled.length = 0;
        if (fault.backgroundMode) sim.configure({ backgroundMode: fault.backgroundMode });
        sim.script(...fault.scripts);
        const modelId = fault.model ?? 'o3-mini';
        const answer = await runToCompletion(client, request(modelId, fault.backgroundMode ? { background: true } : {}));

        if (fault.kind) {
          assert.ok(answer.error, `ends as ${fault.kind}, got ${answer.finish ?? 'no error'}`);
          assert.equal(answer.error.kind, fault.kind, answer.error.toLogString());
          if (fault.says) assert.match(answer.error.userMessage, fault.says);
          const actions = presentActions(answer.error, { retry: { command: COMMANDS.threadRetry, args: ['t'] } });
          assert.ok(actions.length > 0, 'offers something to do');
        } else {
          assert.equal(answer.error, undefined, answer.error?.toLogString());
        }
        if (fault.keeps) assert.ok(answer.text.startsWith(fault.keeps), `keeps "${fault.keeps}", has "${answer.text.slice(0, 60)}"`);
        if (fault.finish) assert.equal(answer.finish, fault.finish);
        if (fault.notice) assert.match(answer.notice ?? '', fault.notice);

        sim.reset();
        const next = await runToCompletion(client, request(modelId));
        assert.equal(next.error, undefined, `the next request works: ${next.error?.toLogString()}`);
        assert.ok(next.text.length > 0);
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(unhandled, [], 'no unhandled rejection');
      });
    });
  }
});
