/**
 * highlight.js is not in the page's first script: each language is fetched the first time a code block
 * needs it. Until then the block is shown escaped and marked; once the language is there the marked
 * blocks are highlighted in place, through the sanitizer. (In the page the chunks are ES modules in
 * dist/webview/hljs/; the chat e2e test sees a block highlighted in the real webview.)
 */
import * as assert from 'node:assert/strict';
import createDOMPurify, { type WindowLike } from 'dompurify';
import hljs from 'highlight.js/lib/core';
import { JSDOM } from 'jsdom';
import { HIGHLIGHT_PENDING, highlightCode, highlightPending, loadLanguage, whenHighlightReady } from '../../src/webview/highlight';
import { HIGHLIGHT_JS_ALIASES, LANGUAGE_LOADERS, languageName } from '../../src/webview/highlightLanguages';
import { renderMarkdown } from '../../src/webview/markdown';
import { createSanitizer } from '../../src/webview/sanitize';

describe('chat markdown: highlight.js loads when a code block needs it', () => {
  const { window } = new JSDOM('<!doctype html><html><body></body></html>');
  const sanitizer = createSanitizer(createDOMPurify(window as unknown as WindowLike));

  it('shows a block escaped and marked while its language loads, then highlights it in place, sanitized', async () => {
    const markdown = '```python\ndef f(x): return x < 1 and "<b>"\n```\n\n```rust\nfn main() {}\n```\n';
    const container = window.document.createElement('div');
    container.append(sanitizer.fragment(renderMarkdown(markdown)));
    const blocks = Array.from(container.querySelectorAll('code'));
    assert.deepEqual(blocks.map((code) => code.classList.contains(HIGHLIGHT_PENDING)), [true, true], 'both marked while loading');
    assert.equal(blocks[0]!.childElementCount, 0, 'escaped text, no markup');
    assert.equal(blocks[0]!.textContent, 'def f(x): return x < 1 and "<b>"\n');

    await whenHighlightReady();
    highlightPending(container, (html) => sanitizer.fragment(html));
    assert.equal(container.querySelectorAll(`.${HIGHLIGHT_PENDING}`).length, 0);
    assert.ok(blocks[0]!.querySelector('.hljs-keyword'), 'python highlighted');
    assert.ok(blocks[1]!.querySelector('.hljs-keyword'), 'rust highlighted');
    assert.equal(blocks[0]!.textContent, 'def f(x): return x < 1 and "<b>"\n', 'the same text');
    assert.equal(container.querySelectorAll('b, script').length, 0);
    assert.doesNotMatch(renderMarkdown(markdown), new RegExp(HIGHLIGHT_PENDING), 'a later render highlights at once');
  });

  it('does not mark or load code in a language the pages do not carry', async () => {
    assert.doesNotMatch(renderMarkdown('```brainfuck\n+++\n```\n'), new RegExp(HIGHLIGHT_PENDING));
    assert.equal(await loadLanguage('brainfuck'), false);
  });

  it('knows VS Code language ids and highlight.js aliases before loading anything', async () => {
    assert.equal(languageName('typescriptreact'), 'typescript');
    assert.equal(languageName('ShellScript'), 'bash');
    assert.equal(languageName('c++'), 'cpp');
    assert.equal(await loadLanguage('yml'), true);
    assert.match(highlightCode('a: 1\n', 'yaml'), /hljs-attr/);
  });

  it('has the aliases each language gives itself in highlight.js', async () => {
    for (const [name, load] of Object.entries(LANGUAGE_LOADERS)) {
      const definition = (await load()).default(hljs);
      assert.deepEqual([...(definition.aliases ?? [])], [...(HIGHLIGHT_JS_ALIASES[name] ?? [])], name);
    }
  });
});
