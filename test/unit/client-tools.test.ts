import * as assert from 'node:assert/strict';
import type { ReasoningClient } from '../../src/core/node/client';
import type { StreamEvent, ToolSpec, Turn } from '../../src/core/common/types';
import type { Simulator } from '../simulator/simulator';
import { assertOneTerminalAtEnd, drain, model, request, simulatorSuite } from './support-core/harness';
import { validatorForModel } from './support-core/openapi';

const TOOLS: ToolSpec[] = [
  { name: 'read_file', description: 'Reads a file of the workspace.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'list_files', description: 'Lists the workspace.' },
];

/** A conversation that already went through one call: the model asked, the tool answered. */
const AFTER_A_CALL: Turn[] = [
  { role: 'user', text: 'What does main.ts do?' },
  { role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"main.ts"}' }] },
  { role: 'user', text: '', toolResults: [{ callId: 'call_1', text: 'console.log("hi")' }] },
];

type Json = Record<string, unknown>;

describe('client: tool calls (VS Code\'s language-model tools)', function () {
  let sim: Simulator;
  let client: ReasoningClient;

  simulatorSuite((s, c) => { sim = s; client = c; });

  for (const id of ['o1', 'o3', 'o3-mini', 'o3-pro']) {
    for (const stream of [true, false]) {
      it(`${id}, ${stream ? 'streamed' : 'not streamed'}: tools and earlier calls are sent as the API wants them, and the model's calls come back whole`, async () => {
        const info = model(id);
        const args = '{"path":"src/über/main.ts","lines":[1,2,3]}';
        sim.script({ text: 'Let me look.', toolCalls: [{ name: 'read_file', arguments: args, id: 'call_9' }, { name: 'list_files', arguments: '{}', id: 'call_10' }], deltaSize: 4 });
        const events = await drain(client.stream(request(info, { turns: AFTER_A_CALL, tools: TOOLS, toolChoice: 'auto', stream })));
        assertOneTerminalAtEnd(events);

        const calls = events.filter((e): e is Extract<StreamEvent, { type: 'toolCall' }> => e.type === 'toolCall').map((e) => e.call);
        assert.deepEqual(calls, [{ id: 'call_9', name: 'read_file', arguments: args }, { id: 'call_10', name: 'list_files', arguments: '{}' }]);
        assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Let me look.');
        assert.deepEqual(events.at(-1), { type: 'finish', reason: 'stop' });

        const body = sim.requests[0]!.body as Json;
        const check = validatorForModel(info.model, info.api).validate(body);
        assert.ok(check.valid, check.errors);
        if (info.api === 'chat') {
          assert.deepEqual(body.tools, [
            { type: 'function', function: { name: 'read_file', description: TOOLS[0]!.description, parameters: TOOLS[0]!.parameters } },
            { type: 'function', function: { name: 'list_files', description: 'Lists the workspace.', parameters: { type: 'object', properties: {} } } },
          ]);
          assert.equal(body.tool_choice, 'auto');
          assert.deepEqual((body.messages as Json[]).slice(1), [
            { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"main.ts"}' } }] },
            { role: 'tool', tool_call_id: 'call_1', content: 'console.log("hi")' },
          ]);
        } else {
          assert.deepEqual((body.tools as Json[]).map((tool) => tool.name), ['read_file', 'list_files']);
          assert.deepEqual((body.input as Json[]).slice(1), [
            { type: 'function_call', call_id: 'call_1', name: 'read_file', arguments: '{"path":"main.ts"}' },
            { type: 'function_call_output', call_id: 'call_1', output: 'console.log("hi")' },
          ]);
        }
      });
    }
  }

  it('without tools nothing about tools is sent', async () => {
    sim.script({ text: 'ok' });
    await drain(client.stream(request(model('o3-mini'), { turns: [{ role: 'user', text: 'hi' }] })));
    const body = sim.requests[0]!.body as Json;
    assert.equal(body.tools, undefined);
    assert.equal(body.tool_choice, undefined);
  });
});
