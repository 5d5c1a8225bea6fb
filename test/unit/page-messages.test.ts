import * as assert from 'node:assert/strict';
import { parseComparePageMessage } from '../../src/core/common/compareProtocol';
import { PAGE_LIMITS, codeBlockMessage } from '../../src/core/common/pageMessages';
import { parseWebviewMessage } from '../../src/core/common/protocol';

const errorOf = (parsed: { ok: true } | { ok: false; error: string }): string => (parsed.ok ? '' : parsed.error);

describe('page messages: one guard for what both pages send about answers', () => {
  const bad: ReadonlyArray<readonly [string, unknown, string]> = [
    ['copyCode without code', { type: 'copyCode' }, 'copyCode: "code" must be a string'],
    ['insertCode with code as a number', { type: 'insertCode', code: 7 }, 'insertCode: "code" must be a string'],
    ['copyCode over the size limit', { type: 'copyCode', code: 'x'.repeat(PAGE_LIMITS.codeChars + 1) }, `copyCode: "code" is longer than ${PAGE_LIMITS.codeChars} characters`],
    ['applyCode without a language', { type: 'applyCode', code: 'x' }, 'applyCode: "languageId" must be a string'],
    ['newFile with a language too long', { type: 'newFile', code: 'x', languageId: 'l'.repeat(PAGE_LIMITS.languageIdChars + 1) }, `newFile: "languageId" is longer than ${PAGE_LIMITS.languageIdChars} characters`],
    ['openLink with a number', { type: 'openLink', href: 1 }, 'openLink: "href" must be a string'],
    ['openLink with a blank href', { type: 'openLink', href: '  ' }, 'openLink: "href" must not be empty'],
    ['openLink over the size limit', { type: 'openLink', href: `https://e.com/${'a'.repeat(PAGE_LIMITS.hrefChars)}` }, `openLink: "href" is longer than ${PAGE_LIMITS.hrefChars} characters`],
    ['an unknown type', { type: 'runCommand', command: 'workbench.action.reloadWindow' }, 'unknown message type "runCommand"'],
    ['no type', { code: 'x' }, 'unknown message type undefined'],
    ['an array', [{ type: 'copyCode', code: 'x' }], 'message is not an object'],
    ['null', null, 'message is not an object'],
  ];

  for (const [name, message, error] of bad) {
    it(`the chat and Compare Models both refuse ${name}, saying why`, () => {
      assert.equal(errorOf(parseWebviewMessage(message)), error);
      assert.equal(errorOf(parseComparePageMessage(message)), error);
    });
  }

  it('both accept the same messages at the limits', () => {
    for (const message of [
      { type: 'copyCode', code: 'x'.repeat(PAGE_LIMITS.codeChars) },
      { type: 'insertCode', code: '' },
      { type: 'applyCode', code: 'x', languageId: 'l'.repeat(PAGE_LIMITS.languageIdChars) },
      { type: 'newFile', code: 'x', languageId: '' },
      { type: 'openLink', href: 'h'.repeat(PAGE_LIMITS.hrefChars) },
    ]) {
      assert.deepEqual(parseWebviewMessage(message), { ok: true, message });
      assert.deepEqual(parseComparePageMessage(message), { ok: true, message });
    }
  });

  it('an id that could name a file is refused the same way on both pages', () => {
    const traversal = '../../etc/passwd';
    assert.equal(errorOf(parseWebviewMessage({ type: 'retry', conversationId: 'c-1', turnId: traversal })), 'retry: "turnId" has an invalid format');
    assert.equal(errorOf(parseComparePageMessage({ type: 'retry', turnId: traversal })), 'retry: "turnId" has an invalid format');
    const long = 'a'.repeat(PAGE_LIMITS.idChars + 1);
    assert.equal(errorOf(parseWebviewMessage({ type: 'retry', conversationId: 'c-1', turnId: long })), `retry: "turnId" is longer than ${PAGE_LIMITS.idChars} characters`);
    assert.equal(errorOf(parseComparePageMessage({ type: 'retry', turnId: long })), `retry: "turnId" is longer than ${PAGE_LIMITS.idChars} characters`);
  });

  it('a code block\'s button makes its message; a button that is not one of ours makes none', () => {
    assert.deepEqual(codeBlockMessage('copy', 'a', 'ts'), { type: 'copyCode', code: 'a' });
    assert.deepEqual(codeBlockMessage('insert', 'a', 'ts'), { type: 'insertCode', code: 'a' });
    assert.deepEqual(codeBlockMessage('apply', 'a', 'ts'), { type: 'applyCode', code: 'a', languageId: 'ts' });
    assert.deepEqual(codeBlockMessage('newFile', 'a', 'ts'), { type: 'newFile', code: 'a', languageId: 'ts' });
    assert.equal(codeBlockMessage('toString', 'a', 'ts'), undefined);
    assert.equal(codeBlockMessage(undefined, 'a', 'ts'), undefined);
  });
});
