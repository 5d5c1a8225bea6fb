import * as assert from 'node:assert/strict';
import { runToCompletion } from '../../src/core/node/answer';
import { ReasoningClient } from '../../src/core/node/client';
import type { Simulator } from '../simulator/simulator';
import { makeClient, request, simulatorSuite } from './support-core/harness';
import { validatorForModel } from './support-core/openapi';

type Json = Record<string, unknown>;

describe('client: o3-pro background mode', function () {
  let sim: Simulator;
  let client: ReasoningClient;

  simulatorSuite((s, c) => { sim = s; client = c; });

  it('starts with background + store, polls GET /responses/{id} with growing waits until done', async () => {
    sim.script({ text: 'Deep answer', reasoning: 'Thought hard.', pollsBeforeDone: 3, usage: { input: 5, output: 900, reasoning: 850 } });
    const statuses: string[] = [];
    const answer = await runToCompletion(client, request('o3-pro', { background: true, reasoningSummary: true }), {
      onEvent: (e) => {
        if (e.type === 'progress') statuses.push(e.status);
      },
    });
    assert.equal(answer.error, undefined, answer.error?.userMessage);
    assert.equal(answer.text, 'Deep answer');
    assert.equal(answer.reasoning, 'Thought hard.');
    assert.equal(answer.usage?.reasoningTokens, 850);
    assert.equal(answer.finish, 'stop');
    const [post, ...polls] = sim.requests;
    assert.equal(post.method, 'POST');
    assert.equal(post.path, '/v1/responses');
    const body = post.body as Json;
    assert.equal(body.background, true);
    assert.equal(body.store, true);
    assert.equal('stream' in body, false);
    const check = validatorForModel('openai/o3-pro', 'responses').validate(body);
    assert.ok(check.valid, check.errors);
    assert.equal(polls.length, 3);
    for (const poll of polls) {
      assert.equal(poll.method, 'GET');
      assert.match(poll.path, /^\/v1\/responses\/resp_sim\w+$/);
      assert.equal(poll.headers.authorization, post.headers.authorization);
    }
    const gaps = polls.slice(1).map((p, i) => p.receivedAt - polls[i].receivedAt);
    assert.ok(gaps.every((g) => g >= 10), `polls are spaced: ${gaps.join(',')}`);
    assert.ok(statuses.some((s) => /background/.test(s)), `progress while polling: ${statuses.join(' | ')}`);
  });

  it('dispose() of a client whose job is still polling has told the gateway to cancel it by the time it resolves', async () => {
    sim.script({ text: 'never', pollsBeforeDone: 10_000 });
    const pending = runToCompletion(client, request('o3-pro', { background: true }));
    await sim.waitForRequests(2); // the POST and a poll
    await client.dispose();
    const cancels = sim.requests.filter((r) => r.route === 'cancel');
    assert.equal(cancels.length, 1, `cancel requests by the end of dispose: ${sim.requests.map((r) => r.route).join(',')}`);
    assert.equal((await pending).error?.kind, 'cancelled');
  });

  it('cancels with POST /responses/{id}/cancel when aborted while polling', async () => {
    sim.script({ text: 'never', pollsBeforeDone: 10_000 });
    const controller = new AbortController();
    const pending = runToCompletion(client, request('o3-pro', { background: true }), { signal: controller.signal });
    await sim.waitForRequests(3); // the POST and two polls
    const pollsBefore = sim.requests.filter((r) => r.route === 'poll').length;
    controller.abort();
    const answer = await pending;
    assert.equal(answer.error?.kind, 'cancelled');
    assert.equal(sim.requests.filter((r) => r.route === 'poll').length, pollsBefore, 'ended at the abort, without waiting for the next poll');
    const id = /resp_sim\w+/.exec(sim.requests[1].path)?.[0];
    await client.dispose(); // waits for the cancel request
    const cancel = sim.requests.find((r) => r.route === 'cancel');
    assert.ok(cancel, 'a cancel request was sent');
    assert.equal(cancel.method, 'POST');
    assert.equal(cancel.path, `/v1/responses/${id}/cancel`);
  });

  for (const mode of ['404', '405'] as const) {
    it(`falls back to streaming when polling answers ${mode}, and remembers it for this client and base URL`, async () => {
      sim.configure({ backgroundMode: mode });
      sim.script({ text: 'queued, never fetched' }, { text: 'Streamed instead' }, { text: 'Streamed again' });
      const first = await runToCompletion(client, request('o3-pro', { background: true }));
      assert.equal(first.error, undefined, first.error?.userMessage);
      assert.equal(first.text, 'Streamed instead');
      const routes = sim.requests.map((r) => `${r.method} ${r.route}${(r.body as Json | undefined)?.stream === true ? ' stream' : ''}${(r.body as Json | undefined)?.background === true ? ' background' : ''}`);
      assert.deepEqual(routes.filter((r) => !r.includes('cancel')), ['POST responses background', 'GET poll', 'POST responses stream']);

      const second = await runToCompletion(client, request('o3-pro', { background: true }));
      assert.equal(second.text, 'Streamed again');
      const last = sim.requests[sim.requests.length - 1];
      assert.equal((last.body as Json).stream, true);
      assert.equal('background' in (last.body as Json), false, 'remembered: no second background attempt');

      // A new client (or another base URL) tries background again.
      const { client: fresh } = makeClient(sim);
      sim.script({ text: 'x' }, { text: 'y' });
      const before = sim.requests.length;
      await runToCompletion(fresh, request('o3-pro', { background: true }));
      await fresh.dispose();
      assert.equal((sim.requests[before].body as Json).background, true);
    });
  }

  it('background is only used where the model has the capability', async () => {
    sim.script({ text: 'plain' });
    await runToCompletion(client, request('o3', { background: true }));
    const body = sim.requests[0].body as Json;
    assert.equal('background' in body, false);
    assert.equal(sim.requests[0].path, '/v1/chat/completions');
  });
});
