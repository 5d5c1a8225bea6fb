import * as assert from 'node:assert/strict';
import { createConversation } from '../../src/core/common/conversation';
import { checkImageData, imageAttachment } from '../../src/core/common/images';
import { type ImageChip, LIMITS, type WebviewMessage, isHostMessage, isWebviewMessage, parseWebviewMessage } from '../../src/core/common/protocol';
import { SVG_IMAGE, dataUrl, pngImage } from '../fixtures/images';

const PNG_BASE64 = pngImage().toString('base64');

describe('chat protocol: messages from the webview', () => {
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'ready', shown: 0 },
    { type: 'ready', shown: 42 },
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
    { type: 'addImage', name: 'screenshot.png', data: PNG_BASE64 },
    { type: 'addImage', name: '', data: PNG_BASE64 },
    // Larger than an image may be, but still a message: the host refuses it with its size.
    { type: 'addImage', name: 'big.png', data: 'A'.repeat(LIMITS.imageDataChars) },
    { type: 'removeImage', id: 'img-lz3-0011aabb' },
    { type: 'pickImages' },
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
    ['ready naming a revision that is no number', { type: 'ready', shown: '7' }],
    ['ready naming a negative revision', { type: 'ready', shown: -1 }],
    ['ready naming a fractional revision', { type: 'ready', shown: 1.5 }],
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
    ['addImage without data', { type: 'addImage', name: 'a.png' }],
    ['addImage with empty data', { type: 'addImage', name: 'a.png', data: '' }],
    ['addImage with data as an array of bytes', { type: 'addImage', name: 'a.png', data: [137, 80, 78, 71] }],
    ['addImage with data beyond any image', { type: 'addImage', name: 'a.png', data: 'A'.repeat(LIMITS.imageDataChars + 1) }],
    ['addImage without a name', { type: 'addImage', data: PNG_BASE64 }],
    ['addImage with a name too long', { type: 'addImage', name: 'x'.repeat(LIMITS.imageNameChars + 1), data: PNG_BASE64 }],
    ['removeImage with a path as id', { type: 'removeImage', id: '../index' }],
    ['removeImage without id', { type: 'removeImage' }],
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
      state: { conversations: [], active: conversation, running: false, models: [], efforts: ['low'], composer: { modelId: 'o3', effort: 'low' }, contexts: [], images: [] },
    }), true);
  });

  function chip(url = dataUrl('image/png', pngImage())): ImageChip {
    const check = checkImageData('shot.png', PNG_BASE64);
    assert.ok(check.ok);
    return { id: 'img-1', ...imageAttachment('shot.png', PNG_BASE64, check), url };
  }

  it('accepts image chips the page can make thumbnails of, and nothing else as image data', () => {
    assert.equal(isHostMessage({ type: 'images', images: [] }), true);
    assert.equal(isHostMessage({ type: 'images', images: [chip()] }), true);
    for (const url of ['https://evil.test/pixel.png', dataUrl('image/svg+xml', SVG_IMAGE), dataUrl('image/png', SVG_IMAGE), 'javascript:alert(1)']) {
      assert.equal(isHostMessage({ type: 'images', images: [chip(url)] }), false, url);
    }
    assert.equal(isHostMessage({ type: 'images', images: Array.from({ length: LIMITS.imagesPerMessage + 1 }, () => chip()) }), false);
    assert.equal(isHostMessage({ type: 'images', images: [{ ...chip(), id: 7 }] }), false);
    assert.equal(isHostMessage({ type: 'images' }), false);
    const conversation = createConversation();
    const state = { conversations: [], active: conversation, running: false, models: [], efforts: ['low'], composer: { modelId: 'o3', effort: 'low' }, contexts: [] };
    assert.equal(isHostMessage({ type: 'state', state: { ...state, images: [chip()] } }), true);
    assert.equal(isHostMessage({ type: 'state', state }), false, 'the state always says which images wait');
    assert.equal(isHostMessage({ type: 'state', state: { ...state, images: [chip('https://evil.test/x.png')] } }), false);
  });

  it('rejects malformed or unknown host messages', () => {
    assert.equal(isHostMessage({ type: 'state' }), false);
    assert.equal(isHostMessage({ type: 'turnDelta', conversationId: 'c', turnId: 'a', text: 1, reasoning: '' }), false);
    assert.equal(isHostMessage({ type: 'notice', level: 'fatal', message: 'x' }), false);
    assert.equal(isHostMessage({ type: 'eval', code: 'x' }), false);
    assert.equal(isHostMessage(undefined), false);
  });
});
