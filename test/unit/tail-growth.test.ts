import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { renderMarkdown } from '../../src/webview/markdown';
import { tailGrowth } from '../../src/webview/tailGrowth';

/** Puts the growth where it says and reads the result back, as the chat page does (without sanitizing). */
function grown(previous: string, next: string): string | undefined {
  const growth = tailGrowth(previous, next);
  if (!growth) return undefined;
  const { document } = new JSDOM('').window;
  const root = document.createElement('div');
  root.innerHTML = previous;
  let target: Element = root;
  for (const tag of [...growth.closing].reverse()) {
    const last = target.lastElementChild;
    assert.equal(last?.localName, tag);
    target = last!;
  }
  const inserted = document.createElement('template');
  inserted.innerHTML = growth.inserted;
  target.append(inserted.content);
  return root.innerHTML;
}

describe('tail growth: the open block of a streaming answer appended to instead of drawn again', () => {
  it('a paragraph, a list item, a new item and a code line grow where a full parse puts the new text', () => {
    const steps = [
      ['A paragraph that', 'A paragraph that goes on with `code` and **bold**'],
      ['- first item', '- first item and more'],
      ['- first item\n- second', '- first item\n- second\n- third'],
      ['- first item\n- sec', '- first item\n- second'],
      ['> quoted', '> quoted and more\nlazy line'],
      ['```\nlet a = 1;\n', '```\nlet a = 1;\nlet b = 2;\n'],
    ];
    for (const [before, after] of steps) {
      const previous = renderMarkdown(before!);
      const next = renderMarkdown(after!);
      assert.equal(grown(previous, next), next, `${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    }
  });

  it('says nothing when the block changed before its end, when what was added is not balanced, or in a table', () => {
    assert.equal(tailGrowth(renderMarkdown('some **bold'), renderMarkdown('some **bold** text')), undefined, 'the emphasis closed: earlier text changed');
    assert.equal(tailGrowth('<p>a <em>b</em></p>\n', '<p>a <em>bc</em>d<em>e</em></p>\n'), undefined);
    assert.equal(tailGrowth('<pre><code><span class="hljs-title">ev</span></code></pre>\n',
      '<pre><code><span class="hljs-title">ev</span>ict(<span class="hljs-title">x</span></code></pre>\n')?.closing.join(), 'code,pre');
    assert.equal(tailGrowth('<pre><code><span class="hljs-title">ev</span></code></pre>\n',
      '<pre><code><span class="hljs-title">evict</span>(<span class="hljs-params">x</span></code></pre>\n'), undefined, 'the span it ended in closes later: not balanced there');
    const table = renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |');
    assert.equal(tailGrowth(table, renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |')), undefined, 'rows would be parsed outside their table');
    assert.equal(tailGrowth('<p>abc</p>\n', '<p>abc</p>\n'), undefined, 'nothing grew');
  });
});
