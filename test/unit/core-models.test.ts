import * as assert from 'node:assert/strict';
import {
  BUILT_IN_MODELS, effectiveMaxOutputTokens, listModels, parseUserModels, resolveModel, resolveModelOrDefault,
} from '../../src/core/common/models';

describe('core/models: the catalog', () => {
  it('has the four built-in models with the ids, endpoints and fields of the contract table', () => {
    const rows = BUILT_IN_MODELS.map((m) => [m.id, m.model, m.api, m.capabilities.imageInput, m.instructionsVia, m.outputTokenField]);
    assert.deepEqual(rows, [
      ['o1', 'o1', 'chat', true, 'developer', 'max_completion_tokens'],
      ['o3', 'openai/o3-2025-04-16', 'chat', true, 'developer', 'max_completion_tokens'],
      ['o3-mini', 'o3-mini', 'chat', false, 'developer', 'max_completion_tokens'],
      ['o3-pro', 'openai/o3-pro', 'responses', true, 'instructions', 'max_output_tokens'],
    ]);
    const pro = resolveModel('o3-pro');
    assert.equal(pro?.capabilities.reasoningSummary, true);
    assert.equal(pro?.capabilities.background, true);
    assert.match(pro?.description ?? '', /Slowest and deepest: minutes per answer/);
    for (const m of BUILT_IN_MODELS.filter((x) => x.api === 'chat')) {
      assert.equal(m.capabilities.reasoningSummary, false, m.id);
      assert.equal(m.capabilities.background, false, m.id);
    }
  });

  it('normalises valid user entries and derives behaviour from api + capabilities, not the name', () => {
    const { models, problems } = parseUserModels([
      { id: 'o3-pro-next', model: 'openai/o3-pro-2026-01-01', api: 'responses', label: 'o3-pro next', capabilities: { imageInput: true, reasoningSummary: true, background: true, maxOutputTokens: 50000 } },
      // Named like a responses model but declared chat: the declaration wins.
      { id: 'o3-pro-chatty', api: 'chat' },
    ]);
    assert.deepEqual(problems, []);
    assert.equal(models.length, 2);
    const [next, chatty] = models;
    assert.equal(next.model, 'openai/o3-pro-2026-01-01');
    assert.equal(next.instructionsVia, 'instructions');
    assert.equal(next.outputTokenField, 'max_output_tokens');
    assert.deepEqual(next.capabilities, { imageInput: true, reasoningSummary: true, background: true, maxOutputTokens: 50000 });
    assert.equal(next.builtIn, false);
    assert.equal(chatty.model, 'o3-pro-chatty');
    assert.equal(chatty.label, 'o3-pro-chatty');
    assert.equal(chatty.instructionsVia, 'developer');
    assert.equal(chatty.outputTokenField, 'max_completion_tokens');
    assert.deepEqual(chatty.capabilities, { imageInput: false, reasoningSummary: false, background: false, maxOutputTokens: undefined });
  });

  it('ignores malformed entries and says why, one problem per issue', () => {
    const { models, problems } = parseUserModels([
      null, 'o5', { api: 'chat' }, { id: 'x' }, { id: 'y', api: 'completions' },
      { id: 'ok', api: 'chat', extra: 1, capabilities: { imageInput: 'yes', background: true, maxOutputTokens: 3, colour: 'red' } },
      { id: 'ok', api: 'responses' },
    ]);
    assert.deepEqual(models.map((m) => m.id), ['ok']);
    assert.equal(models[0].capabilities.imageInput, false);
    assert.equal(models[0].capabilities.background, false, 'background is turned off on the chat API');
    assert.equal(models[0].capabilities.maxOutputTokens, undefined);
    const text = problems.join('\n');
    for (const expected of [/\[0\] is not an object/, /\[1\] is not an object/, /\[2\] has no "id"/, /\[3\].*"api"/, /\[4\].*"api"/,
      /unknown field "extra"/, /imageInput must be true or false/, /background mode exists only on the responses API/,
      /maxOutputTokens must be an integer >= 16/, /unknown field "colour"/, /\[6\].*repeats an id/]) {
      assert.match(text, expected);
    }
    assert.deepEqual(parseUserModels({ id: 'x' }).problems, ['reasoner.models must be an array of model entries; ignored.']);
    assert.deepEqual(parseUserModels(undefined), { models: [], problems: [] });
  });

  it('resolves ids with user entries overriding built-ins, and lists both', () => {
    const { models } = parseUserModels([{ id: 'o3', model: 'openai/o3-2026', api: 'responses' }, { id: 'mine', api: 'chat' }]);
    assert.equal(resolveModel('o3', models)?.model, 'openai/o3-2026');
    assert.equal(resolveModel('o3')?.model, 'openai/o3-2025-04-16');
    assert.equal(resolveModel('nope', models), undefined);
    assert.deepEqual(listModels(models).map((m) => `${m.id}:${m.model}`), ['o1:o1', 'o3:openai/o3-2026', 'o3-mini:o3-mini', 'o3-pro:openai/o3-pro', 'mine:mine']);
    assert.deepEqual(resolveModelOrDefault('gone', models).model.id, 'o3-mini');
    assert.equal(resolveModelOrDefault('gone', models).unknown, true);
  });

  it('clamps the output budget to the API minimum and the model maximum', () => {
    const pro = resolveModel('o3-pro')!;
    const mini = resolveModel('o3-mini')!;
    assert.equal(effectiveMaxOutputTokens(pro, 4), 16);
    assert.equal(effectiveMaxOutputTokens(mini, 4), 4);
    assert.equal(effectiveMaxOutputTokens(mini, 10_000_000), 100_000);
    assert.equal(effectiveMaxOutputTokens(mini, null), undefined);
    assert.equal(effectiveMaxOutputTokens(mini, undefined), undefined);
  });
});
