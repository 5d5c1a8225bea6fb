import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import { inertMarkdown, InertMarkdownStream } from '../../src/core/common/inertMarkdown';
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

/** A seeded generator, so that a failing split can be replayed. */
function splitter(seed: number): (text: string) => string[] {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return (text) => {
    const pieces: string[] = [];
    for (let at = 0; at < text.length;) {
      const size = 1 + Math.floor(next() * 12);
      pieces.push(text.slice(at, at + size));
      at += size;
    }
    return pieces;
  };
}

function streamed(pieces: readonly string[]): { whole: string; shownBeforeEnd: string } {
  const stream = new InertMarkdownStream();
  let shown = '';
  for (const piece of pieces) shown += stream.push(piece);
  return { whole: shown + stream.end(), shownBeforeEnd: shown };
}

/** Answers whose escaping depends on what comes later: spans, fences, destinations and definitions cut anywhere. */
const LOOKAHEAD_ANSWERS = [
  'Prose that runs on for a while, with `code < spans` and a [web link](https://example.com/a b) and an ![image](https://x/y.png).',
  'A [link](\ncommand:evil.run) whose destination is on the next line, and [another](  <command:x>) after blanks.',
  '[ref]:\n  command:evil\n\n[ok]: https://example.com\n   [three]: vscode:x\n    [four]: command:y',
  'An unclosed `span with <b>tags</b> that\nruns over lines\n\nand a blank line ``double ` inside`` end.',
  '```ts\nconst a = 1 < 2;\n``` not a close\n````\nstill code <img>\n```\n\n~~~\n<script>x</script>\n~~~\nafter <i>it</i>',
  '   ```\n  indented fence <b>\n   ```\n    ``` four spaces: not a fence <b>',
  'Escapes \\` keep \\<b> and \\![a](b) \\](command:x) and a trailing backslash\\\nnext',
  '- item with ![img](https://x) and `code`\n> quote <svg onload=x>\n1. [x](javascript:alert(1))',
];

describe('inert Markdown streamed piece by piece', () => {
  const answers = [...HOSTILE_ANSWERS.map((hostile) => hostile.markdown), ...LOOKAHEAD_ANSWERS];

  it('whatever the pieces, what is shown equals inertMarkdown of the whole answer', () => {
    let checks = 0;
    answers.forEach((answer, index) => {
      const expected = inertMarkdown(answer);
      assert.equal(streamed([...answer]).whole, expected, `one character at a time: ${JSON.stringify(answer)}`);
      for (let seed = 1; seed <= 40; seed++) {
        const pieces = splitter(seed * 7919 + index)(answer);
        assert.equal(streamed(pieces).whole, expected, `seed ${seed}: ${JSON.stringify(pieces)}`);
        checks++;
      }
    });
    assert.ok(checks > 2000, `${checks} splits`);
  });

  it('prose is handed on word by word, before its line ends', () => {
    const stream = new InertMarkdownStream();
    assert.equal(stream.push('The function <b>adds'), 'The function ');
    assert.equal(stream.push(' two numbers'), '\\<b>adds two ');
    assert.equal(stream.end(), 'numbers');
  });

  it('a fenced block is handed on as it arrives, its opening line once complete', () => {
    const stream = new InertMarkdownStream();
    assert.equal(stream.push('``'), '', 'a line that may open a fence waits');
    assert.equal(stream.push('`ts\nconst a <b'), '```ts\nconst a <b');
    assert.equal(stream.push('\n``'), '\n', 'a line that may close it waits');
    assert.equal(stream.push('`\n<i>'), '```\n');
    assert.equal(stream.end(), '\\<i>');
  });

  it('a link is held until its destination is known, then escaped if it is not a web link', () => {
    const stream = new InertMarkdownStream();
    assert.equal(stream.push('Run [this]( '), 'Run ');
    assert.equal(stream.push('\n'), '');
    const rest = stream.push('command:evil) now ') + stream.end();
    assert.equal(rest, '[this]\\( \ncommand:evil) now ');
  });

  it('from an unclosed code span on, text waits until the span closes', () => {
    const stream = new InertMarkdownStream();
    assert.equal(stream.push('Use `a <b> c '), 'Use ');
    assert.equal(stream.push('d` and <i> '), '`a <b> c d` and \\<i> ');
  });

  it('a megabyte of hostile text in small pieces is handled in one pass', function () {
    this.timeout(20_000);
    const MIB = 1024 * 1024;
    for (const text of [
      `\`${' <'.repeat(MIB / 2)}`,
      `[a](${' '.repeat(MIB)}command:x)`,
      `[a]: ${'\n'.repeat(MIB)}`,
      '<'.repeat(MIB),
      `\`\`\`\n${'x'.repeat(MIB)}`,
      `[${'a '.repeat(MIB / 2)}`,
    ]) {
      const pieces: string[] = [];
      for (let at = 0; at < text.length; at += 7) pieces.push(text.slice(at, at + 7));
      assert.equal(streamed(pieces).whole, inertMarkdown(text));
    }
  });
});
