/**
 * Huge answers in the chat's Markdown: highlight.js stops at a size. Work is counted (characters
 * highlighted), never timed.
 */
import * as assert from 'node:assert/strict';
import { HIGHLIGHT_LIMIT, OPEN_BLOCK_HIGHLIGHT_LIMIT, highlightCode } from '../../src/webview/highlight';
import { IncrementalMarkdown, createMarkdown, renderMarkdown } from '../../src/webview/markdown';

const LINE = 'export const answer = items.filter((item) => item.size < 42 && item.name !== "<b>" && item.tag === \'&\');\n';

function codeOf(chars: number): string {
  return LINE.repeat(Math.ceil(chars / LINE.length)).slice(0, chars).replace(/[^\n]*$/, '');
}

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

describe('chat markdown: a code block while it streams', () => {
  const md = createMarkdown();

  it('highlights an open block below the limit on every update, and shows it escaped once it grows past it', () => {
    const renderer = new IncrementalMarkdown(md);
    const small = '```ts\nconst x = 1;\n';
    assert.match(renderer.append(small).tail, /hljs-keyword/);
    assert.ok(renderer.lastHighlightedLength > 0);
    const update = renderer.append(codeOf(OPEN_BLOCK_HIGHLIGHT_LIMIT + 200));
    assert.ok(!update.tail.includes('<span'), 'escaped once past the limit');
    assert.equal(renderer.lastHighlightedLength, 0);
  });
});
