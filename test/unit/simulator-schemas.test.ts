/**
 * The simulator is checked too: what it answers on both APIs (streamed and not, background
 * polls and cancels, in-band and HTTP errors) must match the gateway's OpenAPI answer schemas
 * (and the contract's error shapes), or every test built on it could pass against a gateway
 * that does not exist. And every request it takes is checked: a body that breaks the model's
 * schema is refused with the schema's words and noted for the integration suite.
 */
import * as assert from 'node:assert/strict';
import type { SimErrorShape, SimScript } from '../simulator/types';
import { answerValidator, errorBodyValidator, OPENAPI_FILE_FOR, type BodyValidator } from '../simulator/openapi';
import { takeRequestViolations, type Simulator } from '../simulator/simulator';
import { suiteSimulator } from './support-core/harness';

type Api = 'chat' | 'responses';
type Json = Record<string, unknown>;

/** The models as the client sends them, each with the OpenAPI file that documents it. */
const MODELS: { model: string; api: Api }[] = [
  { model: 'o1', api: 'chat' },
  { model: 'o3-mini', api: 'chat' },
  { model: 'openai/o3-2025-04-16', api: 'chat' },
  { model: 'openai/o3-2025-04-16', api: 'responses' },
  { model: 'openai/o3-pro', api: 'responses' },
];

function specOf(model: string, api: Api): { file: string; apiPath: '/chat/completions' | '/responses' } {
  const spec = OPENAPI_FILE_FOR[`${model} ${api}`] ?? OPENAPI_FILE_FOR[model];
  assert.ok(spec, `an OpenAPI file for ${model}`);
  return spec;
}

/** A request body that keeps to the schema, as the client would build it. */
function requestBody(model: string, api: Api, stream: boolean, extra: Json = {}): Json {
  if (api === 'chat') {
    return { model, messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Explain distance().' }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}), reasoning_effort: 'medium', ...extra };
  }
  return { model, input: [{ role: 'user', content: 'Explain distance().' }], instructions: 'Be brief.', reasoning: { effort: 'medium', summary: 'auto' }, stream, ...extra };
}

function assertValid(validator: BodyValidator, value: unknown, what: string): void {
  const check = validator.validate(value);
  assert.ok(check.valid, `${what} breaks ${validator.file} ${validator.apiPath}:\n${check.errors}\n${JSON.stringify(value).slice(0, 600)}`);
}

/** The events of an SSE body: each `data` (parsed unless [DONE]) with its `event` name. */
function sseEvents(text: string): { event?: string; data: string }[] {
  const events: { event?: string; data: string }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith(':'));
    if (lines.length === 0) continue;
    const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, '')).join('\n');
    events.push({ ...(event ? { event } : {}), data });
  }
  return events;
}

describe('simulator: its answers keep to the OpenAPI schemas and the contract', function () {
  this.timeout(60_000);
  const current = suiteSimulator();
  let sim: Simulator;

  beforeEach(() => {
    sim = current();
    takeRequestViolations();
  });
  afterEach(() => {
    assert.deepEqual(takeRequestViolations(), [], 'the requests these checks sent keep to the schemas themselves');
  });

  async function send(path: string, body: unknown, method = 'POST'): Promise<Response> {
    return fetch(`${sim.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-schema-check' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** Scripts that cover what an answer can hold: text, reasoning summary, tool calls, cut-offs, cost. */
  const ANSWERS: { name: string; script: SimScript }[] = [
    { name: 'text with usage and cost', script: { text: 'The distance between two points.', usage: { input: 30, output: 200, reasoning: 128, cached: 10 }, cost: { usd: 0.0123, credits: 24 } } },
    { name: 'a reasoning summary in parts', script: { text: 'Answer.', reasoning: ['First I read it.', 'Then I checked.'] } },
    { name: 'tool calls', script: { text: 'Reading the file.', toolCalls: [{ name: 'read_file', arguments: '{"path":"src/a.ts"}', id: 'call_1' }] } },
    { name: 'cut off at the token limit', script: { text: 'Half an answ', finish: 'length', incomplete: 'max_output_tokens' } },
    { name: 'filtered', script: { text: 'Part', finish: 'content_filter', incomplete: 'content_filter' } },
  ];

  for (const { model, api } of MODELS) {
    const spec = specOf(model, api);
    for (const { name, script } of ANSWERS) {
      it(`${model} (${api}), not streamed, ${name}: the JSON answer matches ${spec.file}`, async () => {
        sim.script(script);
        const response = await send(spec.apiPath, requestBody(model, api, false));
        assert.equal(response.status, 200, await response.clone().text());
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assertValid(answerValidator(spec.file, spec.apiPath, 'application/json'), await response.json(), 'the answer');
      });

      it(`${model} (${api}), streamed, ${name}: every event matches ${spec.file}'s event-stream schema`, async () => {
        sim.script(script);
        const response = await send(spec.apiPath, requestBody(model, api, true));
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
        const events = sseEvents(await response.text());
        assert.ok(events.length >= 3, 'a stream of several events');
        const validator = answerValidator(spec.file, spec.apiPath, 'text/event-stream');
        for (const [index, { event, data }] of events.entries()) {
          if (data === '[DONE]') {
            assert.equal(api, 'chat', 'only chat ends with [DONE] unless asked');
            assert.equal(index, events.length - 1, '[DONE] comes last');
            continue;
          }
          const json = JSON.parse(data) as Json;
          assertValid(validator, json, `event ${index}`);
          if (api === 'responses') assert.equal(event, json.type, 'the SSE event name is the data type');
        }
      });
    }
  }

  it('responses, streamed: in-band errors (an error event, response.failed) match the event-stream schema', async () => {
    for (const model of ['openai/o3-pro', 'openai/o3-2025-04-16']) {
      const spec = specOf(model, 'responses');
      const validator = answerValidator(spec.file, spec.apiPath, 'text/event-stream');
      for (const script of [{ text: 'Some text', errorEvent: { message: 'Upstream broke', code: 'server_error', afterDeltas: 1 } }, { text: 'x', failed: { message: 'The model failed', code: 'server_error' } }] satisfies SimScript[]) {
        sim.script(script);
        const events = sseEvents(await (await send(spec.apiPath, requestBody(model, 'responses', true))).text());
        const last = JSON.parse(events.at(-1)!.data) as Json;
        assert.ok(last.type === 'error' || last.type === 'response.failed', `ends in error: ${String(last.type)}`);
        for (const { data } of events) assertValid(validator, JSON.parse(data), String((JSON.parse(data) as Json).type));
      }
    }
  });

  it('responses, not streamed: a failed response matches the schema and carries its error', async () => {
    const spec = specOf('openai/o3-pro', 'responses');
    sim.script({ failed: { message: 'The model failed', code: 'server_error' } });
    const json = (await (await send(spec.apiPath, requestBody('openai/o3-pro', 'responses', false))).json()) as Json;
    assertValid(answerValidator(spec.file, spec.apiPath, 'application/json'), json, 'the failed answer');
    assert.equal(json.status, 'failed');
  });

  it('chat, streamed: an in-band error chunk is the contract\'s OpenAI error shape', async () => {
    sim.script({ text: 'Some text', errorEvent: { message: 'Upstream broke', afterDeltas: 1 } });
    const events = sseEvents(await (await send('/chat/completions', requestBody('o1', 'chat', true))).text());
    const chunks = events.map((e) => JSON.parse(e.data) as Json);
    const validator = answerValidator('o1.json', '/chat/completions', 'text/event-stream');
    for (const chunk of chunks.slice(0, -1)) assertValid(validator, chunk, 'a chunk before the error');
    assertValid(errorBodyValidator('openai'), chunks.at(-1), 'the error chunk');
  });

  it('background: the queued answer, every poll (queued, in progress, completed) and a cancel match the responses schema', async () => {
    for (const model of ['openai/o3-pro', 'openai/o3-2025-04-16']) {
      const spec = specOf(model, 'responses');
      const validator = answerValidator(spec.file, spec.apiPath, 'application/json');
      sim.script({ text: 'Done in the background.', reasoning: 'Thought.', pollsBeforeDone: 3 });
      const queued = (await (await send(spec.apiPath, requestBody(model, 'responses', false, { background: true, store: true }))).json()) as Json;
      assertValid(validator, queued, 'the queued answer');
      assert.equal(queued.status, 'queued');
      const statuses: unknown[] = [];
      for (let poll = 0; poll < 3; poll++) {
        const response = await send(`/responses/${String(queued.id)}`, undefined, 'GET');
        assert.equal(response.status, 200);
        const json = (await response.json()) as Json;
        assertValid(validator, json, `poll ${poll + 1}`);
        statuses.push(json.status);
      }
      assert.deepEqual(statuses, ['queued', 'in_progress', 'completed']);

      sim.script({ text: 'Never finished.', endless: 'in-progress' });
      const running = (await (await send(spec.apiPath, requestBody(model, 'responses', false, { background: true, store: true }))).json()) as Json;
      const cancelled = (await (await send(`/responses/${String(running.id)}/cancel`, undefined)).json()) as Json;
      assertValid(validator, cancelled, 'the cancelled answer');
      assert.equal(cancelled.status, 'cancelled');
    }
  });

  const STATUSES = [400, 401, 403, 404, 429, 500, 502, 503, 504];
  const JSON_SHAPES: SimErrorShape[] = ['openai', 'gateway', 'title'];
  it(`HTTP errors (${STATUSES.join(', ')}) in the contract's three JSON shapes match them, on both APIs, streamed or not`, async () => {
    for (const { model, api } of [MODELS[0], MODELS[4]]) {
      const spec = specOf(model, api);
      for (const status of STATUSES) {
        for (const shape of JSON_SHAPES) {
          for (const stream of [false, true]) {
            sim.script({ status, errorShape: shape });
            const response = await send(spec.apiPath, requestBody(model, api, stream));
            assert.equal(response.status, status);
            assert.match(response.headers.get('content-type') ?? '', /json/);
            assertValid(errorBodyValidator(shape as 'openai' | 'gateway' | 'title'), await response.json(), `${status} ${shape}`);
          }
        }
      }
    }
  });

  it('the simulator\'s own refusals (no key, unknown path, unknown or refused background job, forbidden field) are contract error bodies', async () => {
    const noKey = await fetch(`${sim.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify(requestBody('o1', 'chat', false)) });
    assert.equal(noKey.status, 401);
    assertValid(errorBodyValidator('openai'), await noKey.json(), 'the 401');
    const unknownPath = await send('/embeddings', { model: 'x' });
    assert.equal(unknownPath.status, 404);
    assertValid(errorBodyValidator('gateway'), await unknownPath.json(), 'the unknown path');
    const unknownJob = await send('/responses/resp_nothing', undefined, 'GET');
    assert.equal(unknownJob.status, 404);
    assertValid(errorBodyValidator('openai'), await unknownJob.json(), 'the unknown job');
    sim.configure({ backgroundMode: '405' });
    const refused = await send('/responses/resp_nothing', undefined, 'GET');
    assert.equal(refused.status, 405);
    assertValid(errorBodyValidator('gateway'), await refused.json(), 'the refused poll');
    const forbidden = await send('/chat/completions', { ...requestBody('o1', 'chat', false), max_tokens: 5 });
    assert.equal(forbidden.status, 400);
    assertValid(errorBodyValidator('openai'), await forbidden.json(), 'the forbidden field');
    assert.equal(takeRequestViolations().length, 1, 'the forbidden field is noted as a break of the contract');
  });

  it('strict: a request body that breaks the model\'s OpenAPI schema is refused with the schema\'s words and noted; one that keeps to it is not', async () => {
    const broken = await send('/chat/completions', { model: 'o1', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'extreme' });
    assert.equal(broken.status, 400);
    const error = ((await broken.json()) as { error: { message: string; code: string } }).error;
    assert.equal(error.code, 'invalid_request_body');
    assert.match(error.message, /o1\.json[\s\S]*reasoning_effort/);
    const noted = takeRequestViolations();
    assert.equal(noted.length, 1);
    assert.match(noted[0], /POST \/v1\/chat\/completions: \(o1\) breaks o1\.json/);

    const input = await send('/responses', { model: 'openai/o3-pro', input: [{ role: 'user', content: 'x' }], reasoning: { effort: 'medium', summary: 'sometimes' } });
    assert.equal(input.status, 400);
    assert.match(takeRequestViolations()[0] ?? '', /o3-pro-RESPONSES\.json[\s\S]*summary/);

    assert.equal((await send('/chat/completions', requestBody('o1', 'chat', false))).status, 200);
    assert.equal((await send('/chat/completions', { model: 'my-own/model', messages: [{ role: 'user', content: 'x' }], anything: 1 })).status, 200, 'a user-defined model id has no schema to keep to');
    sim.configure({ strict: false });
    assert.equal((await send('/chat/completions', { model: 'o1', messages: [], reasoning_effort: 'extreme' })).status, 200, 'not strict: taken as it is');
  });
});
