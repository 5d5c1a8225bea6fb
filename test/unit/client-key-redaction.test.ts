/**
 * A gateway (or a proxy in front of it) that echoes the Authorization header in what it says:
 * on every path an error can take, the person sees a fixed marker where the key was, in the
 * message the notification, thread, chat, history and export show.
 */
import * as assert from 'node:assert/strict';
import type { ReasoningClient } from '../../src/core/node/client';
import { runToCompletion } from '../../src/core/node/answer';
import { REDACTED_KEY } from '../../src/core/common/redact';
import type { ReasoningRequest } from '../../src/core/common/types';
import type { SimScript, Simulator } from '../simulator/simulator';
import { instantSleep, request, simulatorSuite, TEST_KEY } from './support-core/harness';

interface EchoCase {
  readonly name: string;
  readonly model?: string;
  readonly overrides?: Partial<ReasoningRequest>;
  readonly script: SimScript;
  /** What the gateway's words read as once the key is taken out. */
  readonly serverSays: string | RegExp;
}

const CASES: readonly EchoCase[] = [
  { name: 'HTTP 401 as JSON in OpenAI\'s shape', script: { status: 401, message: 'Incorrect API key provided: {{authorization}}' }, serverSays: `Incorrect API key provided: ${REDACTED_KEY}` },
  { name: 'HTTP 400 as JSON in the gateway\'s shape', script: { status: 400, errorShape: 'gateway', message: 'Key {{key}} may not use this model' }, serverSays: `Key ${REDACTED_KEY} may not use this model` },
  { name: 'HTTP 403 as plain text', script: { status: 403, errorShape: 'text', message: 'No credits left for {{key}}' }, serverSays: `No credits left for ${REDACTED_KEY}` },
  {
    name: 'HTTP 502 as an HTML page, on every retry', model: 'o3',
    script: { status: 502, times: 10, contentType: 'text/html', raw: '<html><head><title>Access denied for {{authorization}}</title></head><body><h1>Denied</h1></body></html>' },
    serverSays: `the proxy returned an HTML page: Access denied for ${REDACTED_KEY}`,
  },
  {
    name: 'a 200 HTML page instead of the answer',
    script: { contentType: 'text/html', raw: '<html><body><h1>Sign in again, {{key}}</h1><p>Your session ended.</p></body></html>' },
    serverSays: `the proxy returned an HTML page: Sign in again, ${REDACTED_KEY}`,
  },
  {
    name: 'a 200 JSON answer that is an error', overrides: { stream: false },
    script: { contentType: 'application/json', raw: '{"error":{"message":"Rejected {{authorization}}","type":"invalid_request_error"}}' },
    serverSays: `Rejected ${REDACTED_KEY}`,
  },
  { name: 'chat: an in-band SSE error after some text', script: { text: 'The first half', errorEvent: { message: 'Upstream refused {{authorization}}', afterDeltas: 1 } }, serverSays: `Upstream refused ${REDACTED_KEY}` },
  { name: 'responses: an SSE error event', model: 'o3-pro', script: { text: 'The first half', errorEvent: { message: 'Upstream refused {{key}} twice: {{key}}', afterDeltas: 1 } }, serverSays: `Upstream refused ${REDACTED_KEY} twice: ${REDACTED_KEY}` },
  { name: 'responses: response.failed', model: 'o3-pro', script: { failed: { message: 'Authorization “{{authorization}}” failed upstream' } }, serverSays: `Authorization “${REDACTED_KEY}” failed upstream` },
  { name: 'background polling: the job failed', model: 'o3-pro', overrides: { background: true }, script: { failed: { message: 'Job for {{key}} failed' } }, serverSays: `Job for ${REDACTED_KEY} failed` },
  {
    name: 'a long message shortened in the middle of the key',
    script: { status: 400, message: `${'x'.repeat(580)} {{key}} and more` },
    serverSays: new RegExp(`^x{580} ${REDACTED_KEY.replace(/[[\]]/g, '\\$&')}…$`),
  },
];

/** Every piece of the key long enough to matter. */
const KEY_PARTS = Array.from({ length: TEST_KEY.length - 11 }, (_, at) => TEST_KEY.slice(at, at + 12));

describe('client: a gateway that echoes the key never shows it', function () {
  let sim: Simulator;
  let client: ReasoningClient;
  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ sleep: instantSleep().sleep }));

  for (const echo of CASES) {
    it(`${echo.name}: the key reads as “${REDACTED_KEY}”`, async () => {
      sim.script(echo.script);
      const answer = await runToCompletion(client, request(echo.model ?? 'o3-mini', echo.overrides));
      assert.ok(sim.requests.length > 0 && sim.requests.every((r) => r.headers.authorization === `Bearer ${TEST_KEY}`), 'the key was sent, so it could be echoed');
      const error = answer.error;
      assert.ok(error, `ends with an error, not ${answer.finish}`);
      if (typeof echo.serverSays === 'string') assert.equal(error.serverMessage, echo.serverSays);
      else assert.match(error.serverMessage ?? '', echo.serverSays);
      assert.ok(error.userMessage.includes(REDACTED_KEY), error.userMessage);
      const shown = JSON.stringify([error.userMessage, error.message, error.serverMessage, error.detail, error.code, error.type, error.param, error.requestId, answer.text]);
      for (const part of KEY_PARTS) assert.equal(shown.includes(part), false, `“${part}” of the key shows in ${shown}`);
    });
  }
});
