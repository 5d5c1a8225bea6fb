import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import { inertMarkdown } from '../../src/core/common/inertMarkdown';
import { ATTACKER_HOST, HOSTILE_ANSWERS } from '../fixtures/hostile-answers';

/** The most permissive renderer there is (raw HTML on): what is inert here is inert in any Markdown surface. */
const permissive = new MarkdownIt({ html: true, linkify: true });
const { window } = new JSDOM('<!doctype html><body></body>');

const ACTIVE_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'img', 'svg', 'math', 'form', 'input', 'button', 'link', 'meta', 'base', 'style', 'video', 'audio', 'source', 'picture', 'details', 'marquee', 'template', 'noscript', 'table', 'body', 'div', 'a']);

function elementsOf(markdown: string): Element[] {
  const container = window.document.createElement('div');
  container.innerHTML = permissive.render(markdown);
  return Array.from(container.querySelectorAll('*'));
}

describe('model text made inert for VS Code\'s Markdown surfaces', () => {
  it('the corpus holds at least 50 hostile answers', () => assert.ok(HOSTILE_ANSWERS.length >= 50));

  for (const hostile of HOSTILE_ANSWERS) {
    it(`${hostile.name}: no tag, no image, no handler, no style even with HTML rendering on`, () => {
      for (const element of elementsOf(inertMarkdown(hostile.markdown))) {
        const tag = element.tagName.toLowerCase();
        if (tag === 'a') {
          // Links stay links (a click opens them through VS Code's own prompt); never anything else.
          assert.match(element.getAttribute('href') ?? '', /^(https?:|mailto:|[^:]*$)/i, `link ${element.outerHTML}`);
          continue;
        }
        assert.ok(!ACTIVE_TAGS.has(tag), `<${tag}> from ${JSON.stringify(hostile.markdown)}: ${element.outerHTML}`);
        for (const attribute of Array.from(element.attributes)) {
          assert.ok(!/^on|^style$|^src|href$|^background$|^action$|^formaction$/i.test(attribute.name), `${attribute.name} on <${tag}>`);
        }
      }
    });
  }

  it('a remote image becomes a plain link to the same address, and nothing else changes', () => {
    const html = permissive.render(inertMarkdown(`See ![chart](https://${ATTACKER_HOST}/c.png) here.`));
    assert.equal(html, `<p>See !<a href="https://${ATTACKER_HOST}/c.png">chart</a> here.</p>\n`);
  });

  it('code spans and fenced blocks are left exactly as written', () => {
    const text = 'Use `a < b && !c` and ``x ` y`` then\n\n```html\n<img src="x"> ![a](b)\n```\n\nend <b>bold</b>';
    const inert = inertMarkdown(text);
    assert.ok(inert.includes('`a < b && !c`'));
    assert.ok(inert.includes('``x ` y``'));
    assert.ok(inert.includes('```html\n<img src="x"> ![a](b)\n```'));
    assert.ok(inert.endsWith('end \\<b>bold\\</b>'));
    assert.equal(elementsOf(inert).filter((e) => e.tagName === 'B').length, 0);
  });

  it('unmatched backticks and a megabyte of them are handled in one pass', function () {
    this.timeout(10_000);
    const text = `${'` <'.repeat(300_000)}![x](y)`;
    const inert = inertMarkdown(text);
    assert.ok(inert.endsWith('\\![x](y)'));
  });
});
