/**
 * Huge answers in the chat's Markdown: highlight.js stops at a size, and a long code block that is still
 * streaming costs each update what arrived, not the size of the block. Work is counted (characters parsed,
 * highlighted and handed on), never timed.
 */
import * as assert from 'node:assert/strict';
import { HIGHLIGHT_LIMIT, OPEN_BLOCK_HIGHLIGHT_LIMIT, highlightCode, loadLanguage } from '../../src/webview/highlight';
import { IncrementalMarkdown, type RenderUpdate, createMarkdown, renderMarkdown } from '../../src/webview/markdown';
import { LANGUAGE_LOADERS } from '../../src/webview/highlightLanguages';

const CODE_END = '</code></pre>\n';
const LINE = 'export const answer = items.filter((item) => item.size < 42 && item.name !== "<b>" && item.tag === \'&\');\n';

function codeOf(chars: number): string {
  return LINE.repeat(Math.ceil(chars / LINE.length)).slice(0, chars).replace(/[^\n]*$/, '');
}

/** What a page shows after each update, built only from the updates, as src/webview/answer.ts applies them. */
class Shown {
  private committed = '';
  private tail = '';

  apply(update: RenderUpdate): void {
    if (update.codeAppend !== undefined) {
      assert.ok(this.tail.endsWith(CODE_END), `code is appended to an open code block: ${this.tail.slice(-60)}`);
      this.tail = this.tail.slice(0, -CODE_END.length) + update.codeAppend + CODE_END;
      return;
    }
    if (update.reset) this.committed = '';
    this.committed += update.committed;
    this.tail = update.tail;
  }

  get html(): string {
    return this.committed + this.tail;
  }
}

/** The HTML without highlight.js's spans, with its escape of `'` written as ours. */
function withoutHighlighting(html: string): string {
  return html.replace(/<span class="[^"]*">|<\/span>/g, '').replace(/&#x27;/g, '&#39;');
}

// The page fetches highlight.js's languages when a block first needs them (chat-highlight-loading.test.ts);
// these tests check the rendering once they are there.
before(() => Promise.all(Object.keys(LANGUAGE_LOADERS).map(loadLanguage)));

describe('chat markdown: highlight.js has a size limit', () => {
  it('a fenced block above HIGHLIGHT_LIMIT is shown escaped, without highlight.js, in a full render', () => {
    const at = codeOf(HIGHLIGHT_LIMIT).padEnd(HIGHLIGHT_LIMIT, '\n');
    const above = `${at}x\n`;
    assert.equal(at.length, HIGHLIGHT_LIMIT);
    assert.ok(renderMarkdown(`\`\`\`ts\n${at}\`\`\`\n`).includes('<span class="hljs-keyword">export</span>'), 'highlighted up to the limit');
    const html = renderMarkdown(`\`\`\`ts\n${above}\`\`\`\n`);
    assert.ok(!html.includes('<span'), 'no highlight.js spans');
    assert.ok(html.startsWith('<pre><code class="hljs language-ts">export const answer = items.filter((item) =&gt; item.size &lt; 42 &amp;&amp; item.name !== &quot;&lt;b&gt;&quot; &amp;&amp; item.tag === &#39;&amp;&#39;);\n'));
    assert.ok(!highlightCode(above, 'typescript').includes('<span'), 'prompt context code neither');
  });
});

describe('chat markdown: a long code block while it streams', () => {
  const md = createMarkdown();

  it('costs each update what arrived: nothing parsed again, highlighted or handed on beyond it', () => {
    const intro = 'Here is the whole module:\n\n```typescript\n';
    const text = intro + codeOf(6 * OPEN_BLOCK_HIGHLIGHT_LIMIT);
    const renderer = new IncrementalMarkdown(md);
    const shown = new Shown();
    const delta = 500;
    let followed = 0;
    for (let i = 0; i < text.length; i += delta) {
      const piece = text.slice(i, i + delta);
      const update = renderer.append(piece);
      shown.apply(update);
      if (i < intro.length + OPEN_BLOCK_HIGHLIGHT_LIMIT + delta) continue;
      followed++;
      assert.ok(renderer.lastParsedLength <= piece.length, `parsed ${renderer.lastParsedLength} characters for ${piece.length} that arrived`);
      assert.equal(renderer.lastHighlightedLength, 0, 'no highlight.js on an open block above the limit');
      const handedOn = update.committed.length + update.tail.length + (update.codeAppend?.length ?? 0);
      assert.ok(handedOn <= 6 * piece.length, `handed ${handedOn} characters of HTML to the page for ${piece.length} that arrived`);
    }
    assert.ok(followed > 60, `${followed} updates checked`);
    assert.ok(!shown.html.includes('<span'), 'shown escaped until it is final');
    assert.equal(withoutHighlighting(shown.html), withoutHighlighting(md.render(text)));
    assert.equal(shown.html, renderer.html);

    const end = renderer.finish();
    shown.apply(end);
    assert.equal(end.reset, false);
    assert.equal(shown.html, md.render(text), 'the final HTML is the full render');
    assert.ok(shown.html.includes('<span class="hljs-keyword">export</span>'), 'highlighted once final');
    assert.equal(renderer.lastHighlightedLength, text.length - intro.length);
  });

  it('highlights an open block below the limit on every update, and shows it escaped once it grows past it', () => {
    const renderer = new IncrementalMarkdown(md);
    const small = '```ts\nconst x = 1;\n';
    assert.match(renderer.append(small).tail, /hljs-keyword/);
    assert.ok(renderer.lastHighlightedLength > 0);
    const update = renderer.append(codeOf(OPEN_BLOCK_HIGHLIGHT_LIMIT + 200));
    assert.ok(!update.tail.includes('<span'), 'escaped once past the limit');
    assert.equal(renderer.lastHighlightedLength, 0);
  });

  it('commits the block when its closing fence arrives, parsing it whole only then', () => {
    const code = codeOf(3 * OPEN_BLOCK_HIGHLIGHT_LIMIT);
    const text = `Intro.\n\n\`\`\`ts\n${code}\`\`\`\n\nAfter the code.\n`;
    const renderer = new IncrementalMarkdown(md);
    const shown = new Shown();
    const parsedWhole: number[] = [];
    for (let i = 0; i < text.length; i += 250) {
      const piece = text.slice(i, i + 250);
      shown.apply(renderer.append(piece));
      if (renderer.lastParsedLength > 2 * piece.length) parsedWhole.push(i);
    }
    const closing = text.indexOf('```\n\nAfter');
    assert.deepEqual(parsedWhole.filter((at) => at > OPEN_BLOCK_HIGHLIGHT_LIMIT + 500), [closing - (closing % 250)], 'the block is parsed again once, when it closes');
    shown.apply(renderer.finish());
    assert.equal(shown.html, md.render(text));
  });
});

/** Fences long enough to be followed, then endings that test where markdown-it closes them. */
const LONG = codeOf(OPEN_BLOCK_HIGHLIGHT_LIMIT + 200);
const FENCES: Record<string, string> = {
  'closed, then prose': `\`\`\`ts\n${LONG}\`\`\`\nafter\n`,
  'a shorter fence does not close a longer one': `\`\`\`\`\n${LONG}\`\`\`\n\`\`\`\` \n\npara\n`,
  'the other marker does not close': `~~~python\n${LONG}\`\`\`\n~~\n~~~~~  \t\nafter\n`,
  'indent of the opening comes off each line': `   \`\`\`js\n${LONG} a\n    b\n\tc\n  \t d\n   \n   \`\`\`\ntail`,
  'lines that look like a closing fence but are not': `\`\`\`\n${LONG}    \`\`\`\n\t\`\`\`\n \`\`\`x\n\`\`\`\` x\n\`\`\n\`\n\n\`\`\` \t \nafter`,
  'unclosed, ending in part of a fence': `\`\`\`\n${LONG}text\n\`\``,
  'unclosed, ending in a whole fence without its newline': `\`\`\`\n${LONG}text\n\`\`\``,
  'markup, NUL and CRLF inside': `\`\`\`html\r\n${LONG}<script>alert('x')</script> & \0\r\n\`\`\`\r\n`,
  'one long block after another': `\`\`\`\n${LONG}\`\`\`\n~~~\n${LONG}~~~\n\n- list\n`,
  'a reference after the block': `See [x].\n\n\`\`\`\n${LONG}\`\`\`\n[x]: https://example.com/x\n\nEnd [x].\n`,
  'text right after the closing fence, without a newline': `\`\`\`\n${LONG}\`\`\`\nno newline yet`,
};

/** The first piece takes the text into the long block; the rest arrives in small pieces. */
function chunkings(text: string): string[][] {
  const head = text.indexOf(LONG) + LONG.length - 40;
  const rest = (n: number) => {
    const parts = [text.slice(0, head)];
    for (let i = head; i < text.length; i += n) parts.push(text.slice(i, i + n));
    return parts;
  };
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const randomParts = [text.slice(0, head - 7)];
  for (let i = head - 7; i < text.length;) {
    const n = 1 + Math.floor(random() * 6);
    randomParts.push(text.slice(i, i + n));
    i += n;
  }
  return [rest(1), rest(2), rest(5), randomParts, [text]];
}

describe('chat markdown: a long open block ends where markdown-it ends it', () => {
  const md = createMarkdown();

  for (const [name, text] of Object.entries(FENCES)) {
    it(name, () => {
      for (const parts of chunkings(text)) {
        const renderer = new IncrementalMarkdown(md);
        const shown = new Shown();
        let sofar = '';
        let followed = false;
        for (const part of parts) {
          const update = renderer.append(part);
          followed ||= update.codeAppend !== undefined;
          shown.apply(update);
          sofar += part;
          assert.equal(shown.html, renderer.html);
          if (sofar.endsWith('\n') && name !== 'a reference after the block') {
            assert.equal(withoutHighlighting(shown.html), withoutHighlighting(md.render(sofar)), `after ${JSON.stringify(sofar.slice(-30))}`);
          }
        }
        if (parts.length > 1) assert.ok(followed, 'the block was followed without parsing it again');
        const end = renderer.finish();
        shown.apply(end);
        if (name !== 'a reference after the block') assert.equal(end.reset, false, 'the incremental HTML needed no correction');
        assert.equal(shown.html, md.render(text));
      }
    });
  }

  it('300 generated endings of spaces, tabs, backticks and tildes, in random pieces', () => {
    let seed = 5;
    const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    const openings = ['```', '````', '~~~', '~~~~~', ' ```', '  ~~~', '   ````', '\t```'];
    const bits = ['', ' ', '  ', '   ', '    ', '\t', ' \t', '`', '``', '```', '````', '~', '~~~', '~~~~', 'x', 'js', '\n', '\n', '\n'];
    let followed = 0;
    for (let n = 0; n < 300; n++) {
      const opening = openings[random(openings.length)]!;
      let ending = '';
      for (let k = random(40); k > 0; k--) ending += bits[random(bits.length)];
      const text = `${opening}\n${LONG}${ending}`;
      const renderer = new IncrementalMarkdown(md);
      const shown = new Shown();
      const head = text.length - ending.length - random(30);
      shown.apply(renderer.append(text.slice(0, head)));
      let appended = false;
      for (let i = head; i < text.length;) {
        const size = 1 + random(5);
        const update = renderer.append(text.slice(i, i + size));
        appended ||= update.codeAppend !== undefined;
        shown.apply(update);
        i += size;
        const sofar = text.slice(0, i);
        if (sofar.endsWith('\n')) assert.equal(shown.html, md.render(sofar), `${JSON.stringify(opening)} then ${JSON.stringify(sofar.slice(-40))}`);
      }
      const end = renderer.finish();
      shown.apply(end);
      assert.equal(end.reset, false, `${JSON.stringify(opening)} then ${JSON.stringify(ending)}`);
      assert.equal(shown.html, md.render(text));
      if (appended) followed++;
    }
    assert.ok(followed > 200, `${followed} of 300 were followed without parsing them again`);
  });
});
