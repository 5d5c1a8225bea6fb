/**
 * What the model's tool calls may bring: only calls to tools the request offered are handed on,
 * no more than MAX_TOOL_CALLS of them, and their names and arguments count toward the answer cap.
 * Past a limit the answer ends with an error that says which, and the text before it is kept.
 */
import * as assert from 'node:assert/strict';
import type { ReasoningClient } from '../../src/core/node/client';
import { runToCompletion } from '../../src/core/node/answer';
import { MAX_TOOL_CALLS } from '../../src/core/node/toolCalls';
import type { StreamEvent, ToolCall, ToolSpec } from '../../src/core/common/types';
import type { Simulator } from '../simulator/simulator';
import { assertOneTerminalAtEnd, drain, request, simulatorSuite } from './support-core/harness';

const OFFERED: ToolSpec[] = [
  { name: 'read_file', description: 'Reads a file of the workspace.', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
  { name: 'list_files', description: 'Lists the workspace.' },
];

function callsOf(events: readonly StreamEvent[]): ToolCall[] {
  return events.filter((e): e is Extract<StreamEvent, { type: 'toolCall' }> => e.type === 'toolCall').map((e) => e.call);
}

function textOf(events: readonly StreamEvent[]): string {
  return events.filter((e): e is Extract<StreamEvent, { type: 'text' }> => e.type === 'text').map((e) => e.delta).join('');
}

function errorOf(events: readonly StreamEvent[]) {
  return events.find((e): e is Extract<StreamEvent, { type: 'error' }> => e.type === 'error')?.error;
}

describe('client: tool calls the request did not offer are dropped', function () {
  let sim: Simulator;
  let client: ReasoningClient;
  simulatorSuite((s, c) => { sim = s; client = c; });

  for (const id of ['o1', 'o3', 'o3-mini', 'o3-pro']) {
    for (const stream of [true, false]) {
      it(`${id}, ${stream ? 'streamed' : 'not streamed'}: a call to a tool that was never offered does not come back`, async () => {
        sim.script({ text: 'Let me look.', toolCalls: [
          { name: 'delete_everything', arguments: '{"really":true}', id: 'call_evil' },
          { name: 'read_file', arguments: '{"path":"a.ts"}', id: 'call_ok' },
          { name: 'read_file ', arguments: '{}', id: 'call_lookalike' },
        ] });
        const events = await drain(client.stream(request(id, { tools: OFFERED, stream })));
        assertOneTerminalAtEnd(events);
        assert.deepEqual(callsOf(events), [{ id: 'call_ok', name: 'read_file', arguments: '{"path":"a.ts"}' }]);
        assert.equal(textOf(events), 'Let me look.');
        assert.deepEqual(events.at(-1), { type: 'finish', reason: 'stop' });
      });
    }
  }

  it('o3-pro in background mode: the polled answer drops the call too', async () => {
    sim.script({ text: 'Polled.', toolCalls: [{ name: 'run_shell', arguments: '{"cmd":"rm -rf ~"}', id: 'call_evil' }, { name: 'list_files', arguments: '{}', id: 'call_ok' }] });
    const events = await drain(client.stream(request('o3-pro', { tools: OFFERED, background: true })));
    assert.deepEqual(callsOf(events).map((call) => call.name), ['list_files']);
    assert.ok(sim.requests.some((r) => r.route === 'poll'), 'the answer was polled');
  });

  it('a request that offered no tools gets no tool calls at all', async () => {
    sim.script({ text: 'Plain.', toolCalls: [{ name: 'read_file', arguments: '{}' }] }, { text: 'Plain.', toolCalls: [{ name: 'read_file', arguments: '{}' }] });
    for (const id of ['o3-mini', 'o3-pro']) {
      const answer = await drain(client.stream(request(id)));
      assert.deepEqual(callsOf(answer), []);
      assert.equal(textOf(answer), 'Plain.');
    }
  });
});

describe(`client: at most ${MAX_TOOL_CALLS} tool calls in one answer`, function () {
  let sim: Simulator;
  let client: ReasoningClient;
  simulatorSuite((s, c) => { sim = s; client = c; });

  const many = Array.from({ length: MAX_TOOL_CALLS + 72 }, (_, index) => ({ name: 'read_file', arguments: `{"path":"f${index}.ts"}`, id: `call_${index}` }));

  for (const id of ['o3-mini', 'o3-pro']) {
    for (const stream of [true, false]) {
      it(`${id}, ${stream ? 'streamed' : 'not streamed'}: ${many.length} calls end the answer with an error naming the limit, the text kept`, async () => {
        sim.script({ text: 'Reading everything.', toolCalls: many, deltaSize: 64 });
        const events = await drain(client.stream(request(id, { tools: OFFERED, stream })));
        assertOneTerminalAtEnd(events);
        const error = errorOf(events);
        assert.equal(error?.kind, 'protocol', `ended with ${events.at(-1)?.type}`);
        assert.match(error.userMessage, new RegExp(`more than ${MAX_TOOL_CALLS} tool calls`));
        assert.equal(textOf(events), 'Reading everything.');
        assert.ok(callsOf(events).length <= MAX_TOOL_CALLS, `${callsOf(events).length} calls handed on`);
      });
    }
  }
});

describe('client: tool-call names and arguments count toward the answer cap', function () {
  let sim: Simulator;
  let client: ReasoningClient;
  const cap = 64 * 1024;
  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ maxAnswerBytes: cap }));

  for (const id of ['o3-mini', 'o3-pro']) {
    it(`${id}: a call whose arguments pass the cap ends the answer as too large, the text before it kept, no call handed on`, async () => {
      sim.script({ text: 'Writing the file.', toolCalls: [{ name: 'read_file', arguments: JSON.stringify({ path: 'x'.repeat(4 * cap) }) }], deltaSize: 4096 });
      const events = await drain(client.stream(request(id, { tools: OFFERED })));
      assertOneTerminalAtEnd(events);
      const error = errorOf(events);
      assert.equal(error?.kind, 'protocol', `ended with ${events.at(-1)?.type}`);
      assert.match(error.userMessage, /passed 64 KiB, the most Reasoner reads; the part received is kept/);
      assert.equal(textOf(events), 'Writing the file.');
      assert.deepEqual(callsOf(events), []);
    });

    it(`${id}: many calls together count, not each on its own`, async () => {
      const calls = Array.from({ length: 8 }, (_, index) => ({ name: 'read_file', arguments: JSON.stringify({ path: `${index}`.repeat(cap / 4) }), id: `call_${index}` }));
      sim.script({ text: 'Reading.', toolCalls: calls, deltaSize: 4096 });
      const answer = await runToCompletion(client, request(id, { tools: OFFERED }));
      assert.match(answer.error?.userMessage ?? `finished as ${answer.finish}`, /passed 64 KiB/);
      assert.equal(answer.text, 'Reading.');
    });
  }
});
