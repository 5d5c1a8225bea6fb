import * as assert from 'node:assert/strict';
import createDOMPurify, { type WindowLike } from 'dompurify';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import { IncrementalMarkdown, createMarkdown, renderMarkdown } from '../../src/webview/markdown';
import { createSanitizer, type Sanitizer } from '../../src/webview/sanitize';
import { ATTACKER_HOST, HOSTILE_ANSWERS } from '../fixtures/hostile-answers';
import { loadLanguage } from '../../src/webview/highlight';
import { LANGUAGE_LOADERS } from '../../src/webview/highlightLanguages';

function sanitizerFor(): { sanitizer: Sanitizer; window: JSDOM['window'] } {
  const { window } = new JSDOM('<!doctype html><html><body></body></html>');
  return { sanitizer: createSanitizer(createDOMPurify(window as unknown as WindowLike)), window };
}

/** Markdown -> DOM the way the webview does it: render, then sanitize. */
function renderSafe(markdown: string, sanitizer: Sanitizer): string {
  return sanitizer.html(renderMarkdown(markdown));
}

function assertNoActiveContent(html: string, window: JSDOM['window']): void {
  const container = window.document.createElement('div');
  container.innerHTML = html;
  for (const element of Array.from(container.querySelectorAll('*'))) {
    const tag = element.tagName.toLowerCase();
    assert.ok(!['script', 'iframe', 'style', 'object', 'embed', 'img', 'svg', 'form', 'input', 'link', 'meta', 'base', 'math'].includes(tag), `no <${tag}>: ${html}`);
    for (const attribute of Array.from(element.attributes)) {
      assert.ok(!/^on/i.test(attribute.name), `no ${attribute.name}= handler: ${html}`);
      assert.ok(!['style', 'src', 'srcset', 'action', 'formaction'].includes(attribute.name), `no ${attribute.name}=: ${html}`);
      if (attribute.name === 'href') assert.match(attribute.value, /^https?:\/\//i, `only web links: ${html}`);
    }
  }
}

// The page fetches highlight.js's languages when a block first needs them (chat-highlight-loading.test.ts);
// these tests check the rendering once they are there.
before(() => Promise.all(Object.keys(LANGUAGE_LOADERS).map(loadLanguage)));

/**
 * Everything that could run, fetch or restyle in sanitized HTML: the tags, any handler or style
 * attribute (links included), a URL attribute but a web link's href, the attacker's host
 * anywhere but in such a link.
 */
function activeMarkup(html: string, window: JSDOM['window']): string[] {
  const container = window.document.createElement('div');
  container.innerHTML = html;
  const found: string[] = [];
  for (const element of Array.from(container.querySelectorAll('*'))) {
    const tag = element.tagName.toLowerCase();
    const shown = element.outerHTML.slice(0, 120);
    if (['script', 'iframe', 'frame', 'style', 'object', 'embed', 'img', 'picture', 'source', 'video', 'audio', 'svg', 'math', 'form', 'input', 'button', 'textarea', 'select', 'link', 'meta', 'base', 'template', 'details'].includes(tag)) found.push(`<${tag}>: ${shown}`);
    for (const { name, value } of Array.from(element.attributes)) {
      const attribute = name.toLowerCase();
      if (attribute.startsWith('on') || ['style', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'background', 'poster', 'xlink:href', 'data-href', 'ping'].includes(attribute)) found.push(`${attribute}=: ${shown}`);
      else if (attribute === 'href' && !/^https?:\/\//i.test(value)) found.push(`href to ${value.slice(0, 40)}: ${shown}`);
      else if (attribute !== 'href' && value.includes(ATTACKER_HOST)) found.push(`${attribute} names the attacker: ${shown}`);
    }
  }
  return found;
}

describe(`chat markdown: every one of the ${HOSTILE_ANSWERS.length} answers of the hostile corpus, rendered and sanitized as the page does`, () => {
  const { sanitizer, window } = sanitizerFor();
  /** A renderer that lets raw HTML and every link through: what the sanitizer must stop on its own. */
  const withRawHtml = new MarkdownIt({ html: true, linkify: true });
  withRawHtml.validateLink = () => true;

  for (const hostile of HOSTILE_ANSWERS) {
    it(`${hostile.name}: nothing runs, fetches or restyles, whole or streamed`, () => {
      // With text around it, as an answer would carry it.
      const markdown = `Before.\n\n${hostile.markdown}\n\nAfter.`;
      assert.deepEqual(activeMarkup(renderSafe(markdown, sanitizer), window), [], 'rendered whole');
      // Streamed in pieces of 97 characters (as the e2e corpus is): every committed block and tail, as each is shown.
      const renderer = new IncrementalMarkdown();
      for (let i = 0; i < markdown.length; i += 97) {
        const update = renderer.append(markdown.slice(i, i + 97));
        const shown = [update.committed, update.tail, update.codeAppend ?? ''].map((part) => sanitizer.html(part)).join('');
        assert.deepEqual(activeMarkup(shown, window), [], `streamed, after ${i + 97} characters`);
      }
      const end = renderer.finish();
      assert.deepEqual(activeMarkup(sanitizer.html(end.committed) + sanitizer.html(end.tail), window), [], 'streamed, at the end');
      assert.deepEqual(activeMarkup(sanitizer.html(renderer.html), window), [], 'streamed, as finally shown');
    });

    it(`${hostile.name}: the sanitizer alone stops it, had the renderer let its HTML through`, () => {
      assert.deepEqual(activeMarkup(sanitizer.html(hostile.markdown), window), [], 'the payload as HTML');
      assert.deepEqual(activeMarkup(sanitizer.html(withRawHtml.render(hostile.markdown)), window), [], 'rendered by markdown-it with raw HTML on');
    });
  }
});

describe('chat markdown: sanitizing hostile answers', () => {
  const { sanitizer, window } = sanitizerFor();

  const hostile: Record<string, string> = {
    'script tag': 'Hello <script>alert(1)</script> world\n\n<script>alert(2)</script>',
    'event handler': '<img src=x onerror="alert(1)">\n\n<div onclick="alert(1)">click</div> <a href="https://x.test" onmouseover="alert(1)">x</a>',
    'javascript: link': '[click me](javascript:alert(1)) and [again](JaVaScRiPt:alert(1)) and <javascript:alert(1)>',
    'encoded javascript: link': '[x](&#106;avascript:alert(1)) [y](java\tscript:alert(1)) [z](  javascript:alert(1))',
    'data: URL link': '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![img](data:image/png;base64,AAAA)',
    'vbscript and file links': '[vb](vbscript:msgbox(1)) [file](file:///etc/passwd) [rel](../../secret) [anchor](#top)',
    iframe: '<iframe src="https://evil.test"></iframe>\n\nText <iframe srcdoc="<script>alert(1)</script>"></iframe>',
    'style injection': '<style>body{display:none}</style>\n\n<span style="position:fixed;inset:0">overlay</span>\n\n<link rel=stylesheet href=https://evil.test/x.css>',
    'svg and math': '<svg><script>alert(1)</script></svg>\n\n<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    'form': '<form action="https://evil.test"><input name=x><button formaction="javascript:alert(1)">go</button></form>',
    'image with remote src': '![tracking pixel](https://evil.test/pixel.png)',
    'html in a fence info string': '```js" onmouseover="alert(1)\ncode\n```',
    'autolinked javascript': 'visit javascript:alert(1) or www.example.com',
  };

  for (const [name, markdown] of Object.entries(hostile)) {
    it(`removes active content: ${name}`, () => {
      const html = renderSafe(markdown, sanitizer);
      assertNoActiveContent(html, window);
      // Escaped text may mention `onerror=`; real markup may not.
      assert.doesNotMatch(html, /<(script|iframe|style|img|svg|math|form|input|link)\b/i);
      assert.doesNotMatch(html, /<[^>]+\s(on\w+|style|src)\s*=/i);
      assert.doesNotMatch(html, /<a [^>]*href="(?!https?:)/i);
    });
  }

  it('keeps raw HTML as visible text instead of markup', () => {
    const html = renderSafe('<b>bold?</b> <script>x</script>', sanitizer);
    assert.match(html, /&lt;b&gt;bold\?&lt;\/b&gt;/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('keeps http(s) links, marks them noopener, and shows images as links', () => {
    const html = renderSafe('[docs](https://example.com/a?b=1) and ![diagram](http://example.com/d.png) and https://auto.example.com', sanitizer);
    assert.match(html, /<a href="https:\/\/example\.com\/a\?b=1" rel="noopener noreferrer">docs<\/a>/);
    assert.match(html, /<a href="http:\/\/example\.com\/d\.png" class="image-link" rel="noopener noreferrer">🖼 diagram<\/a>/);
    assert.match(html, /<a href="https:\/\/auto\.example\.com" rel="noopener noreferrer">/);
    assert.doesNotMatch(html, /<img/);
  });

  it('sanitizes hand-written hostile HTML even if the renderer let it through', () => {
    const html = sanitizer.html('<p onclick="x()">a</p><a href="javascript:alert(1)">b</a><a href="data:text/html,x">c</a><iframe></iframe><span class="hljs-keyword codicon evil">d</span><p style="color:red">e</p>');
    assertNoActiveContent(html, window);
    assert.match(html, /<span class="hljs-keyword">d<\/span>/);
    assert.match(html, /<a>b<\/a><a>c<\/a>/);
  });
});

describe('chat markdown: code blocks', () => {
  const { sanitizer } = sanitizerFor();

  it('highlights fenced code with highlight.js classes that survive sanitizing', () => {
    const html = renderSafe('```typescript\nconst answer: number = 42; // yes\n```', sanitizer);
    assert.match(html, /<pre><code class="hljs language-typescript">/);
    assert.match(html, /<span class="hljs-keyword">const<\/span>/);
    assert.match(html, /<span class="hljs-number">42<\/span>/);
    assert.match(html, /<span class="hljs-comment">\/\/ yes<\/span>/);
  });

  it('maps VS Code language ids to highlight.js grammars', () => {
    assert.match(renderMarkdown('```typescriptreact\nlet x = <div/>;\n```'), /hljs-keyword">let</);
    assert.match(renderMarkdown('```shellscript\nif true; then echo hi; fi\n```'), /hljs-keyword">if</);
    assert.match(renderMarkdown('```python\ndef f(): pass\n```'), /hljs-keyword">def</);
  });

  it('escapes code in unknown languages and in indented blocks', () => {
    const html = renderSafe('```nosuchlang\n<script>alert(1)</script>\n```\n\n    <b>indented</b>\n', sanitizer);
    assert.match(html, /<pre><code class="hljs language-nosuchlang">&lt;script&gt;alert\(1\)&lt;\/script&gt;\n<\/code><\/pre>/);
    assert.match(html, /<pre><code class="hljs">&lt;b&gt;indented&lt;\/b&gt;\n<\/code><\/pre>/);
  });
});

const SAMPLES: Record<string, string> = {
  prose: 'First paragraph with *emphasis* and `code`.\nSecond line of it.\n\nSecond paragraph.\n\n## A heading\n\nLast words.',
  lists: '- one\n- two\n\n- three (loose now)\n\n1. a\n2. b\n   continued\n\n   still b\n3. c\n\nAfter the list.\n',
  code: 'Here:\n\n```ts\nfunction f() {\n  return 1;\n}\n\n// blank line inside\n```\n\nAnd more:\n\n```\nplain\n```\n',
  'unclosed fence': 'Text\n\n```python\nprint("hi")\n\nprint("still code")',
  'setext and tables': 'Title\n=====\n\npara\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\nSub\n---\nafter\n',
  'hash that is not a heading': 'para\n#hashtag continues\n\n> quote\n#also lazy\n\n# real heading\n',
  blockquotes: '> a\n> b\n\n> c\n\nText\n> d\n\n> - list in quote\n>   more\n',
  'indented code': 'Para\n\n    code line\n\n    more code\n\nafter\n',
  'reference links': 'See [the docs][d] and [x].\n\nMore text.\n\n[d]: https://example.com/docs "Docs"\n[x]: https://example.com/x\n\nEnd [d].',
  crlf: 'Line one\r\nLine two\r\n\r\n```js\r\nlet a = 1;\r\n```\r\n',
  'hr and html': 'text\n***\n<div>raw</div>\n\n---\n\n* * *\n',
};

function chunkings(text: string): string[][] {
  const bySize = (n: number) => {
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += n) parts.push(text.slice(i, i + n));
    return parts;
  };
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const randomParts: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(random() * 9);
    randomParts.push(text.slice(i, i + n));
    i += n;
  }
  return [bySize(1), bySize(3), bySize(17), randomParts, [text]];
}

describe('chat markdown: incremental rendering', () => {
  const md = createMarkdown();

  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`equals a full render at every step and at the end: ${name}`, () => {
      for (const parts of chunkings(text)) {
        const renderer = new IncrementalMarkdown(md);
        let shown = '';
        let sofar = '';
        for (const part of parts) {
          const update = renderer.append(part);
          sofar += part;
          if (update.reset) shown = '';
          shown = shown.replace(/\u0000TAIL[\s\S]*$/, '') + update.committed + '\u0000TAIL' + update.tail;
          const visible = shown.replace('\u0000TAIL', '');
          assert.equal(visible, renderer.html);
          // Reference definitions may lag until they are final; everything else matches at each step.
          if (name !== 'reference links' && !sofar.endsWith('\r')) {
            assert.equal(visible, md.render(sofar), `after ${JSON.stringify(sofar.slice(-30))}`);
          }
        }
        const end = renderer.finish();
        if (end.reset) shown = '';
        const final = shown.replace(/\u0000TAIL[\s\S]*$/, '') + end.committed + end.tail;
        assert.equal(final, md.render(text));
        assert.equal(renderer.html, md.render(text));
      }
    });
  }

  it('sanitized incremental output equals the sanitized full render', () => {
    const { sanitizer } = sanitizerFor();
    const text = Object.values(SAMPLES).join('\n\n');
    const renderer = new IncrementalMarkdown(md);
    let html = '';
    let tail = '';
    for (let i = 0; i < text.length; i += 5) {
      const update = renderer.append(text.slice(i, i + 5));
      if (update.reset) html = '';
      html += sanitizer.html(update.committed);
      tail = sanitizer.html(update.tail);
    }
    const end = renderer.finish();
    if (end.reset) html = '';
    html += sanitizer.html(end.committed) + sanitizer.html(end.tail);
    void tail;
    assert.equal(html, sanitizer.html(md.render(text)));
  });

  it('does work per token bounded by the open block, not by the answer length', () => {
    const paragraph = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n\n';
    const renderer = new IncrementalMarkdown(md);
    let maxParsed = 0;
    const total = paragraph.repeat(400);
    for (let i = 0; i < total.length; i += 4) {
      renderer.append(total.slice(i, i + 4));
      if (i > paragraph.length * 3) maxParsed = Math.max(maxParsed, renderer.lastParsedLength);
    }
    assert.ok(total.length > 30_000);
    assert.ok(maxParsed <= paragraph.length * 3, `parsed at most ${maxParsed} characters per token`);
    assert.equal(renderer.finish().reset, false);
    assert.equal(renderer.html, md.render(total));
  });
});
