/**
 * Compare Models' core: what the command accepts from a caller, what it
 * resolves to, the conversation a kept answer goes on as, the fastest and
 * cheapest marks, and the page protocol's guards.
 */
import * as assert from 'node:assert/strict';
import {
  canKeep, compareResult, keptConversation, parseCompareArguments, parseSavedComparison, restoredColumns, standouts, type SavedComparison,
} from '../../src/core/common/compare';
import { isCompareHostMessage, parseComparePageMessage } from '../../src/core/common/compareProtocol';
import { toRequestTurns, type AssistantTurn } from '../../src/core/common/conversation';
import type { CodeContext } from '../../src/core/common/types';

const NOW = 1_700_000_000_000;

function answer(id: string, extra: Partial<AssistantTurn> = {}): AssistantTurn {
  return { role: 'assistant', id, modelId: 'o1', modelLabel: 'o1', effort: 'medium', status: 'complete', text: 'An answer.', reasoning: '', createdAt: NOW, elapsedMs: 1200, ...extra };
}

describe('compare: the command\'s arguments', () => {
  it('accepts two or more model ids and a question, trimmed, with an optional effort', () => {
    assert.deepEqual(parseCompareArguments({ models: [' o1 ', 'o3-mini'], question: ' Why? ' }), { ok: true, value: { models: ['o1', 'o3-mini'], question: 'Why?' } });
    assert.deepEqual(parseCompareArguments({ models: ['o1', 'o1'], question: 'Twice?', effort: 'high' }),
      { ok: true, value: { models: ['o1', 'o1'], question: 'Twice?', effort: 'high' } });
  });

  it('refuses what a caller got wrong, saying what', () => {
    const error = (raw: unknown) => { const parsed = parseCompareArguments(raw); return parsed.ok ? '' : parsed.error; };
    assert.match(error('o1'), /pass \{ models/);
    assert.match(error({ models: 'o1', question: 'x' }), /array of model ids/);
    assert.match(error({ models: ['o1', 3], question: 'x' }), /array of model ids/);
    assert.match(error({ models: ['o1'], question: 'x' }), /2 to 8 models \(got 1\)/);
    assert.match(error({ models: Array(9).fill('o1'), question: 'x' }), /got 9/);
    assert.match(error({ models: ['o1', 'o3'], question: '  ' }), /"question" must be a non-empty string/);
    assert.match(error({ models: ['o1', 'o3'], question: 'x'.repeat(20_001) }), /longer than/);
    assert.match(error({ models: ['o1', 'o3'], question: 'x', effort: 'max' }), /"effort"/);
  });
});

describe('compare: results and kept answers', () => {
  it('a result carries the model, text, time and usage; a failure keeps its error inside, with the partial text', () => {
    const usage = { inputTokens: 10, outputTokens: 20, reasoningTokens: 5, costUsd: 0.002 };
    assert.deepEqual(compareResult(answer('a-1', { usage })), { modelId: 'o1', text: 'An answer.', elapsedMs: 1200, usage, status: 'complete' });
    const failed = compareResult(answer('a-2', {
      modelId: 'o3', status: 'error', text: 'Half', elapsedMs: 300,
      error: { kind: 'bad-request', message: 'The gateway refused the request (HTTP 400).', serverMessage: 'no', status: 400, actions: ['switchModel'] },
    }));
    assert.deepEqual(failed, {
      modelId: 'o3', text: 'Half', elapsedMs: 300, status: 'error',
      error: { kind: 'bad-request', message: 'The gateway refused the request (HTTP 400).', serverMessage: 'no', status: 400 },
    });
  });

  it('only an answer with text that ended can be kept', () => {
    assert.equal(canKeep(answer('a')), true);
    assert.equal(canKeep(answer('a', { status: 'incomplete' })), true);
    assert.equal(canKeep(answer('a', { status: 'stopped', text: 'Partial' })), true);
    assert.equal(canKeep(answer('a', { status: 'streaming' })), false);
    assert.equal(canKeep(answer('a', { status: 'error' })), false);
    assert.equal(canKeep(answer('a', { text: '  ' })), false);
  });

  it('a kept answer becomes a conversation: the question with its code, then that answer, ready for the next message', () => {
    const code: CodeContext = { fileName: 'src/a.ts', languageId: 'typescript', code: 'let a = 1;', startLine: 3, endLine: 3 };
    const kept = answer('a-9', { modelId: 'o3-mini', modelLabel: 'o3-mini', text: 'It sets a.', progress: 'waiting' });
    const conversation = keptConversation('What does it do?', [code], kept, NOW);
    assert.equal(conversation.title, 'What does it do?');
    assert.equal(conversation.turns.length, 2);
    assert.deepEqual(conversation.turns[0], { role: 'user', id: conversation.turns[0]!.id, text: 'What does it do?', context: [code], createdAt: NOW });
    const copied = conversation.turns[1] as AssistantTurn;
    assert.equal(copied.text, 'It sets a.');
    assert.equal(copied.modelId, 'o3-mini');
    assert.equal(copied.progress, undefined);
    assert.notEqual(copied, kept, 'a copy: the column is not shared with the chat');
    assert.deepEqual(toRequestTurns(conversation), [
      { role: 'user', text: 'What does it do?', context: [code] },
      { role: 'assistant', text: 'It sets a.' },
    ]);
  });

  it('marks the fastest and the cheapest finished answer, none while fewer than two finished or all tie', () => {
    const fast = answer('a-1', { elapsedMs: 900, usage: { inputTokens: 1, outputTokens: 1, reasoningTokens: 0, costUsd: 0.02 } });
    const cheap = answer('a-2', { elapsedMs: 4000, usage: { inputTokens: 1, outputTokens: 1, reasoningTokens: 0, costUsd: 0.001 } });
    const failed = answer('a-3', { elapsedMs: 10, status: 'error' });
    assert.deepEqual(standouts([fast, cheap, failed]), { fastest: ['a-1'], cheapest: ['a-2'] });
    assert.deepEqual(standouts([fast, answer('a-4', { status: 'streaming' })]), { fastest: [], cheapest: [] });
    assert.deepEqual(standouts([answer('x', { elapsedMs: 5 }), answer('y', { elapsedMs: 5 })]), { fastest: [], cheapest: [] });
  });
});

describe('compare: the page protocol', () => {
  it('accepts the page\'s messages and refuses malformed ones', () => {
    for (const message of [
      { type: 'ready' }, { type: 'keep', turnId: 'a-1' }, { type: 'stop', turnId: 'a-1' }, { type: 'retry', turnId: 'a-1' },
      { type: 'action', action: 'setApiKey', turnId: 'a-1' }, { type: 'copyCode', code: 'x' }, { type: 'applyCode', code: 'x', languageId: 'ts' },
      { type: 'openLink', href: 'https://example.com' },
    ]) {
      assert.equal(parseComparePageMessage(message).ok, true, JSON.stringify(message));
    }
    const refused = (message: unknown) => { const parsed = parseComparePageMessage(message); return parsed.ok ? '' : parsed.error; };
    assert.match(refused({ type: 'keep', turnId: '../../x' }), /invalid format/);
    assert.match(refused({ type: 'keep' }), /"turnId" must be a string/);
    assert.match(refused({ type: 'action', action: 'runAnything', turnId: 'a' }), /not an action/);
    assert.match(refused({ type: 'send', text: 'x' }), /unknown message type/);
    assert.match(refused({ type: 'openLink', href: '' }), /must not be empty/);
    assert.match(refused([]), /not an object/);
  });

  it('the page checks what the host sends', () => {
    const column = { turn: answer('a-1'), kept: false };
    assert.equal(isCompareHostMessage({ type: 'state', state: { id: 'cmp-1', question: 'q', contextLabels: [], columns: [column] } }), true);
    assert.equal(isCompareHostMessage({ type: 'state', state: { question: 'q', contextLabels: [], columns: [column] } }), false, 'the id the tab keeps is required');
    assert.equal(isCompareHostMessage({ type: 'column', column }), true);
    assert.equal(isCompareHostMessage({ type: 'column', column: { turn: { id: 'a' }, kept: false } }), false);
    assert.equal(isCompareHostMessage({ type: 'delta', turnId: 'a-1', text: 'x' }), false);
    assert.equal(isCompareHostMessage({ type: 'state', state: { question: 'q', columns: [] } }), false);
  });
});

describe('compare: a comparison kept across a reload', () => {
  const saved = (columns: SavedComparison['columns']): SavedComparison => ({
    id: 'cmp-1', savedAt: NOW, columns,
    request: { question: 'What does it do?', context: [], modelIds: columns.map((column) => column.turn.modelId), effort: 'medium' },
  });

  it('comes back as it was: a finished answer stays, a background column still waits, one that was streaming is marked interrupted with Retry', () => {
    const kept = saved([
      { turn: answer('a-1', { modelId: 'o3-mini' }), kept: true },
      { turn: answer('a-2', { modelId: 'o3-pro', status: 'streaming', text: '', jobId: 'resp_1', progress: 'Reasoning' }), kept: false },
      { turn: answer('a-3', { modelId: 'o3', status: 'streaming', text: 'Half an ans' }), kept: false },
    ]);
    const parsed = parseSavedComparison(JSON.parse(JSON.stringify(kept)));
    assert.ok(parsed);
    const columns = restoredColumns(parsed);
    assert.deepEqual(columns.map((column) => [column.turn.status, column.turn.text, column.kept]), [
      ['complete', 'An answer.', true],
      ['streaming', '', false],
      ['error', 'Half an ans', false],
    ]);
    assert.equal(columns[1]!.turn.jobId, 'resp_1');
    assert.equal(columns[1]!.turn.progress, undefined, 'no stale progress line');
    assert.equal(columns[2]!.turn.error?.kind, 'interrupted');
    assert.deepEqual(columns[2]!.turn.error?.actions, ['retry']);
    assert.equal(kept.columns[2]!.turn.status, 'streaming', 'the kept copy is not changed');
  });

  it('refuses a file that is not a comparison, field by field', () => {
    const good = saved([{ turn: answer('a-1'), kept: false }]);
    assert.ok(parseSavedComparison(good));
    for (const broken of [
      null, 'x', { ...good, id: '../x' }, { ...good, savedAt: 'now' }, { ...good, request: { ...good.request, effort: 'max' } },
      { ...good, request: { ...good.request, context: [{ code: 1 }] } }, { ...good, columns: [{ turn: { role: 'user', id: 'u', text: '', createdAt: 1 }, kept: false }] },
      { ...good, columns: [{ turn: answer('a-1'), kept: 'yes' }] },
    ]) assert.equal(parseSavedComparison(broken), undefined, JSON.stringify(broken));
  });
});
