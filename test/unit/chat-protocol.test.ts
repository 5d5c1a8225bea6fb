import * as assert from 'node:assert/strict';
import { createConversation } from '../../src/core/common/conversation';
import { type WebviewMessage, isHostMessage, isWebviewMessage, parseWebviewMessage } from '../../src/core/common/protocol';

describe('chat protocol: messages from the webview', () => {
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'send', text: 'Why is this slow?', modelId: 'o3-mini', effort: 'high' },
    { type: 'send', text: '', modelId: 'o3', effort: 'low' },
    { type: 'stop' },
    { type: 'retry', conversationId: 'c-lz3-99', turnId: 'a-lz3-0011aabb' },
    { type: 'action', action: 'setApiKey', conversationId: 'c-1', turnId: 'a-1' },
    { type: 'setComposer', modelId: 'o3-pro', effort: 'medium' },
    { type: 'addContext', kind: 'selection' },
    { type: 'removeContext', id: 'ctx-1' },
    { type: 'newChat' },
    { type: 'switchConversation', id: 'c-abc' },
    { type: 'renameConversation', id: 'c-abc', title: 'Parser bugs' },
    { type: 'deleteConversation', id: 'c-abc' },
    { type: 'exportConversation', id: 'c-abc' },
    { type: 'copyCode', code: 'x' },
    { type: 'insertCode', code: 'let x = 1;' },
    { type: 'applyCode', code: 'let x = 1;', languageId: 'typescript' },
    { type: 'newFile', code: 'print(1)', languageId: '' },
    { type: 'openLink', href: 'https://example.com' },
  ];

  for (const message of valid) {
    it(`accepts a well-formed ${message.type}`, () => {
      assert.deepEqual(parseWebviewMessage(message), { ok: true, message });
    });
  }

  const malformed: [string, unknown][] = [
    ['null', null],
    ['a string', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['no type', { text: 'hi' }],
    ['a non-string type', { type: 7 }],
    ['an unknown type', { type: 'runCommand', command: 'workbench.action.terminal.new' }],
    ['a prototype key as type', { type: 'toString' }],
    ['a prototype key as type (constructor)', { type: '__proto__' }],
    ['send without text', { type: 'send', modelId: 'o3', effort: 'low' }],
    ['send with a number as text', { type: 'send', text: 42, modelId: 'o3', effort: 'low' }],
    ['send with an unknown effort', { type: 'send', text: 'x', modelId: 'o3', effort: 'extreme' }],
    ['send with an empty model', { type: 'send', text: 'x', modelId: ' ', effort: 'low' }],
    ['send with a huge prompt', { type: 'send', text: 'x'.repeat(200_001), modelId: 'o3', effort: 'low' }],
    ['retry without turn id', { type: 'retry', conversationId: 'c-1' }],
    ['retry without conversation id', { type: 'retry', turnId: 'a-1' }],
    ['retry with a path as turn id', { type: 'retry', conversationId: 'c-1', turnId: '../../etc/passwd' }],
    ['retry with a path as conversation id', { type: 'retry', conversationId: '../index', turnId: 'a-1' }],
    ['action with an arbitrary command', { type: 'action', action: 'workbench.action.reloadWindow', conversationId: 'c-1', turnId: 'a-1' }],
    ['action without conversation id', { type: 'action', action: 'setApiKey', turnId: 'a-1' }],
    ['rename with an empty title', { type: 'renameConversation', id: 'c-1', title: '   ' }],
    ['rename with an object title', { type: 'renameConversation', id: 'c-1', title: { toString: 'x' } }],
    ['delete with a traversal id', { type: 'deleteConversation', id: '../index' }],
    ['applyCode without language', { type: 'applyCode', code: 'x' }],
    ['openLink with a number', { type: 'openLink', href: 1 }],
    ['openLink with an empty href', { type: 'openLink', href: '' }],
    ['addContext of an unknown kind', { type: 'addContext', kind: 'workspace' }],
  ];

  for (const [name, value] of malformed) {
    it(`rejects ${name}`, () => {
      const result = parseWebviewMessage(value);
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(result.error.length > 0);
      assert.equal(isWebviewMessage(value), false);
    });
  }

  it('says what was wrong', () => {
    const result = parseWebviewMessage({ type: 'send', text: 1, modelId: 'o3', effort: 'low' });
    assert.deepEqual(result, { ok: false, error: 'send: "text" must be a string' });
  });
});

describe('chat protocol: messages from the host', () => {
  it('accepts the host messages the page acts on', () => {
    const conversation = createConversation();
    assert.equal(isHostMessage({ type: 'focusComposer' }), true);
    assert.equal(isHostMessage({ type: 'setDraft', text: 'again' }), true);
    assert.equal(isHostMessage({ type: 'conversation', conversation, running: false }), true);
    assert.equal(isHostMessage({ type: 'turnDelta', conversationId: conversation.id, turnId: 'a-1', text: 'x', reasoning: '' }), true);
    assert.equal(isHostMessage({
      type: 'state',
      state: { conversations: [], active: conversation, running: false, models: [], efforts: ['low'], composer: { modelId: 'o3', effort: 'low' }, contexts: [] },
    }), true);
  });

  it('rejects malformed or unknown host messages', () => {
    assert.equal(isHostMessage({ type: 'state' }), false);
    assert.equal(isHostMessage({ type: 'turnDelta', conversationId: 'c', turnId: 'a', text: 1, reasoning: '' }), false);
    assert.equal(isHostMessage({ type: 'notice', level: 'fatal', message: 'x' }), false);
    assert.equal(isHostMessage({ type: 'eval', code: 'x' }), false);
    assert.equal(isHostMessage(undefined), false);
  });
});
