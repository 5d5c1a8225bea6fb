/**
 * The one effort list: the chat page's messages, Compare Models' arguments and stored chats
 * accept exactly the efforts the pickers offer. A check that kept its own list fails here
 * as soon as the list changes.
 */
import * as assert from 'node:assert/strict';
import { parseCompareArguments } from '../../src/core/common/compare';
import { isChatTurn } from '../../src/core/common/conversation';
import { parseWebviewMessage } from '../../src/core/common/protocol';
import { DEFAULT_REASONING_EFFORT, isReasoningEffort, REASONING_EFFORTS } from '../../src/core/common/types';

describe('reasoning efforts: one list', () => {
  const candidates = [...REASONING_EFFORTS, 'minimal', 'extreme', 'Medium', '', 1, undefined];

  it('is low, medium, high, with medium the default', () => {
    assert.deepEqual(REASONING_EFFORTS, ['low', 'medium', 'high']);
    assert.ok(isReasoningEffort(DEFAULT_REASONING_EFFORT));
  });

  it('every check accepts exactly the efforts the pickers offer', () => {
    const accepted = (ok: (effort: unknown) => boolean) => candidates.filter(ok);
    assert.deepEqual(accepted(isReasoningEffort), REASONING_EFFORTS);
    assert.deepEqual(accepted((effort) => parseWebviewMessage({ type: 'send', text: 'q', modelId: 'o3', effort }).ok), REASONING_EFFORTS);
    assert.deepEqual(accepted((effort) => parseWebviewMessage({ type: 'setComposer', modelId: 'o3', effort }).ok), REASONING_EFFORTS);
    assert.deepEqual(accepted((effort) => effort !== undefined && parseCompareArguments({ models: ['o3', 'o1'], question: 'q', effort }).ok), REASONING_EFFORTS);
    const turn = (effort: unknown) => ({ role: 'assistant', id: 'a-1', modelId: 'o3', effort, status: 'complete', text: '', reasoning: '', createdAt: 1 });
    assert.deepEqual(accepted((effort) => isChatTurn(turn(effort))), REASONING_EFFORTS);
  });
});
