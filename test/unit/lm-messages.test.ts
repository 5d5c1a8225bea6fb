import * as assert from 'node:assert/strict';
import { estimateLmTokens, requestFromLmMessages } from '../../src/core/common/lmMessages';
import { BUILT_IN_MODELS, parseUserModels, tokenLimits } from '../../src/core/common/models';
import { participantFollowups, participantTask } from '../../src/core/common/participantCommands';
import { buildRequest } from '../../src/core/common/requests';
import { validatorForModel } from './support-core/openapi';

const text = (value: string) => ({ kind: 'text', text: value }) as const;

describe('VS Code language-model messages as a Reasoner request', () => {
  it('system messages become instructions; consecutive messages of one role become one turn', () => {
    const request = requestFromLmMessages([
      { role: 'system', parts: [text('Be terse.')] },
      { role: 'user', parts: [text('Here is code'), text('const a = 1;')] },
      { role: 'user', parts: [text('What does it do?')] },
      { role: 'assistant', parts: [text('It sets a.')] },
      { role: 'assistant', parts: [] },
      { role: 'user', parts: [text('Why?')] },
    ]);
    assert.equal(request.instructions, 'Be terse.');
    assert.deepEqual(request.turns, [
      { role: 'user', text: 'Here is code\n\nconst a = 1;\n\nWhat does it do?' },
      { role: 'assistant', text: 'It sets a.' },
      { role: 'user', text: 'Why?' },
    ]);
  });

  it('tool calls stay with the assistant turn and their results go with the next user turn', () => {
    const request = requestFromLmMessages([
      { role: 'user', parts: [text('What is in main.ts?')] },
      { role: 'assistant', parts: [text('Reading it.'), { kind: 'toolCall', call: { id: 'c1', name: 'read', arguments: '{"path":"main.ts"}' } }] },
      { role: 'user', parts: [{ kind: 'toolResult', result: { callId: 'c1', text: 'export {}' } }] },
    ]);
    assert.deepEqual(request.turns, [
      { role: 'user', text: 'What is in main.ts?' },
      { role: 'assistant', text: 'Reading it.', toolCalls: [{ id: 'c1', name: 'read', arguments: '{"path":"main.ts"}' }] },
      { role: 'user', text: '', toolResults: [{ callId: 'c1', text: 'export {}' }] },
    ]);
  });

  it('images in user messages travel as data URLs, and the body built from them is valid for each model that takes images', () => {
    const request = requestFromLmMessages([{ role: 'user', parts: [text('What is this?'), { kind: 'image', mimeType: 'image/png', base64: 'iVBORw0KGgo=' }] }]);
    assert.deepEqual(request.turns[0]!.images, [{ url: 'data:image/png;base64,iVBORw0KGgo=' }]);
    for (const model of BUILT_IN_MODELS.filter((m) => m.capabilities.imageInput)) {
      const { body } = buildRequest({ model, turns: request.turns, effort: 'medium', stream: true, reasoningSummary: false });
      const check = validatorForModel(model.model, model.api).validate(body);
      assert.ok(check.valid, `${model.id}: ${check.errors}`);
      assert.match(JSON.stringify(body), /data:image\/png;base64,iVBORw0KGgo=/);
    }
  });

  it('token counts are estimated at four characters a token, plus framing per message and a tile per image', () => {
    assert.equal(estimateLmTokens('x'.repeat(401)), 101);
    assert.equal(estimateLmTokens({ role: 'user', parts: [text('x'.repeat(400)), { kind: 'image', mimeType: 'image/png', base64: '' }] }), 3 + 100 + 85);
  });
});

describe('token limits offered to VS Code', () => {
  const o3 = BUILT_IN_MODELS.find((m) => m.id === 'o3')!;

  it('input is the context window less the output budget (the user\'s limit, else the model\'s)', () => {
    assert.deepEqual(tokenLimits(o3, null), { maxInputTokens: 100_000, maxOutputTokens: 100_000 });
    assert.deepEqual(tokenLimits(o3, 8000), { maxInputTokens: 192_000, maxOutputTokens: 8000 });
  });

  it('a user model states its window, or gets the default; a bad value is reported and ignored', () => {
    const { models, problems } = parseUserModels([
      { id: 'a', api: 'chat', capabilities: { contextWindow: 32_000, maxOutputTokens: 4000 } },
      { id: 'b', api: 'responses', capabilities: { contextWindow: 'big' } },
    ]);
    assert.deepEqual(tokenLimits(models[0]!, null), { maxInputTokens: 28_000, maxOutputTokens: 4000 });
    assert.deepEqual(tokenLimits(models[1]!, null), { maxInputTokens: 128_000 - 32_768, maxOutputTokens: 32_768 });
    assert.deepEqual(problems, ['reasoner.models[1] ("b").capabilities.contextWindow must be an integer >= 1024; ignored.']);
  });
});

describe('@reasoner slash commands', () => {
  it('each command asks the inline feature\'s question, with what was typed after it', () => {
    assert.deepEqual(participantTask('explain', ''), { task: 'explain', text: 'Explain this code.', codeOnly: false });
    assert.deepEqual(participantTask('bugs', 'focus on overflow'), { task: 'findBugs', text: 'Find bugs and risks in this code.\n\nfocus on overflow', codeOnly: false });
    assert.equal(participantTask('tests', '').codeOnly, true);
    assert.equal(participantTask('refactor', '').text, 'Refactor this code: Improve readability');
    assert.deepEqual(participantTask(undefined, ' Why a loop? '), { task: 'ask', text: 'Why a loop?', codeOnly: false });
    assert.equal(participantTask(undefined, '').task, 'explain');
  });

  it('follow-ups lead on: bugs to a fix, explanations to bugs and tests', () => {
    assert.deepEqual(participantFollowups('bugs').map((f) => f.command), ['refactor', 'tests']);
    assert.deepEqual(participantFollowups(undefined).map((f) => f.command), ['bugs', 'tests']);
  });
});
