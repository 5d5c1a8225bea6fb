/**
 * The rules the error presenter and the answer notices own, proven once here; every surface
 * (notifications, inline threads, the chat, Compare Models, the jobs) asks them instead of
 * spelling its own.
 */
import * as assert from 'node:assert/strict';
import { answerActionIds, endedEarlyNote, PARTIAL_ANSWER_NOTE } from '../../src/core/common/answerNotices';
import type { ApiErrorKind } from '../../src/core/common/errorFacts';
import { actionIdsFor, DEFAULT_ACTIONS, isAccountProblem, isKeyProblem } from '../../src/core/common/errorPresenter';

const KINDS = Object.keys(DEFAULT_ACTIONS) as ApiErrorKind[];

describe('error presenter: account problems', () => {
  it('are no key, a rejected key and no credits; a new key fixes the first two', () => {
    assert.deepEqual(KINDS.filter((kind) => isAccountProblem({ kind })), ['auth', 'no-key', 'credits']);
    assert.deepEqual(KINDS.filter((kind) => isKeyProblem({ kind })), ['auth', 'no-key']);
    assert.equal(isAccountProblem(undefined), false);
  });

  it('lead with their fix and end with Retry; every other failure leads with Retry', () => {
    assert.deepEqual(actionIdsFor({ kind: 'no-key' }, true), ['setApiKey', 'getApiKey', 'retry']);
    assert.deepEqual(actionIdsFor({ kind: 'auth' }, true), ['setApiKey', 'openLog', 'retry']);
    assert.deepEqual(actionIdsFor({ kind: 'credits' }, true), ['openBilling', 'openLog', 'retry']);
    for (const kind of KINDS.filter((k) => !isAccountProblem({ kind: k }) && k !== 'cancelled')) {
      assert.equal(actionIdsFor({ kind }, true)[0], 'retry', kind);
    }
    assert.deepEqual(actionIdsFor({ kind: 'credits' }, false), ['openBilling', 'openLog'], 'no Retry where the surface cannot retry');
  });
});

describe('answer notices: an answer that ended early', () => {
  const turn = (status: 'complete' | 'stopped' | 'incomplete' | 'error', text: string, extra: { finish?: 'length' | 'content_filter' | 'incomplete:max_output_tokens' | 'incomplete:other'; notice?: string } = {}) =>
    ({ status, text, ...extra });

  it('says what a stopped answer kept', () => {
    assert.equal(endedEarlyNote(turn('stopped', 'half')), PARTIAL_ANSWER_NOTE);
    assert.equal(endedEarlyNote(turn('stopped', '')), 'No text had arrived.');
  });

  it('says why an answer is incomplete: the client\'s notice first, else from how it finished', () => {
    assert.equal(endedEarlyNote(turn('incomplete', 'x', { finish: 'length', notice: 'As the client said.' })), 'As the client said.');
    for (const finish of ['length', 'incomplete:max_output_tokens'] as const) {
      assert.match(endedEarlyNote(turn('incomplete', 'x', { finish })) ?? '', /cut off at the output token limit.*reasoner\.maxOutputTokens/, finish);
      assert.match(endedEarlyNote(turn('incomplete', '', { finish })) ?? '', /whole output budget on reasoning/, finish);
    }
    assert.equal(endedEarlyNote(turn('incomplete', 'x', { finish: 'content_filter' })), 'The answer was cut by the content filter.');
    assert.equal(endedEarlyNote(turn('incomplete', 'x', { finish: 'incomplete:other' })), 'The model ended early (incomplete:other).');
    assert.match(endedEarlyNote(turn('incomplete', 'x')) ?? '', /copied here before it finished/);
  });

  it('says nothing of a complete or failed answer, and offers Retry alone for one that ended early', () => {
    assert.equal(endedEarlyNote(turn('complete', 'x')), undefined);
    assert.equal(endedEarlyNote(turn('error', 'x')), undefined);
    assert.deepEqual(answerActionIds('stopped', undefined), ['retry']);
    assert.deepEqual(answerActionIds('incomplete', undefined), ['retry']);
    assert.deepEqual(answerActionIds('complete', undefined), []);
    assert.deepEqual(answerActionIds('error', { kind: 'credits' }), actionIdsFor({ kind: 'credits' }, true));
  });
});
