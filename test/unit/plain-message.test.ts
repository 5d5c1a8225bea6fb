import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import { plainMessage } from '../../src/core/common/plainMessage';
import { ATTACKER_HOST, HOSTILE_ANSWERS } from '../fixtures/hostile-answers';

/** Raw HTML on: stricter than any VS Code surface, which renders tooltips and hovers with HTML off. */
const markdown = new MarkdownIt({ html: true });
const { window } = new JSDOM('<!doctype html><body></body>');
const WORD_JOINER = /\u2060/g;

/** What Markdown may make of text by itself; a link, an image or any tag from the text is none of these. */
const FORMATTING = new Set(['p', 'br', 'em', 'strong', 'code', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'hr']);

function rendered(text: string): HTMLElement {
  const container = window.document.createElement('div');
  container.innerHTML = markdown.render(text);
  return container;
}

/** Text as read: word joiners are invisible, and Markdown turns a blank line into a paragraph break. */
function visible(text: string): string {
  return text.replace(WORD_JOINER, '').replace(/\s+/g, ' ').trim();
}

/**
 * The syntax VS Code itself reads on its plain surfaces, as written in its
 * sources: links in notifications, progress and input box prompts
 * (vs/base/common/linkedText.ts) and icons in the status bar, quick picks and
 * prompts (vs/base/browser/ui/iconLabel/iconLabels.ts; `\$(x)` shows as `$(x)`).
 */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const VSCODE_ICON = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;

/** Strings that reach notifications, progress, the status bar and quick picks: file names, server messages, setting values. */
const SURFACE_TEXTS: Record<string, string> = {
  'a file named as a command link': '[Cancel](command:workbench.action.quit).py',
  'a model id that is a remote image': `![](https://${ATTACKER_HOST}/p.png)`,
  'an image with a title': `![logo](https://${ATTACKER_HOST}/p.png "hi")`,
  'a link with a title and a file URI': '[open](file:///etc/passwd "read me") and [web](https://example.com)',
  'a reference image and its definition': `![x][r]\n\n[r]: https://${ATTACKER_HOST}/ref.png`,
  'a collapsed reference link': `[r][] [r]: command:workbench.action.quit`,
  'an autolink to a command': '<command:workbench.action.quit> and <https://example.com>',
  'an HTML image': `<img src="https://${ATTACKER_HOST}/i.png">`,
  'a script tag': '<script>alert(1)</script>',
  'a comment and a CDATA section': '<!-- hidden --> <![CDATA[x]]>',
  'entities that would decode': '&lt;b&gt; &amp; &#x41; &copy;',
  'backslash escapes that would vanish': '\\[not a link\\](command:x) C:\\Users\\me\\*.py',
  'icons': '$(bug) $(sync~spin) \\$(key)',
  'angle-bracket link destination': '[a](<command:workbench.action.quit>)',
  'an ordinary message': 'Reasoner: the gateway answered 429 (rate limit); retry in 20 s — o3-pro, “high” effort.',
};

describe('plainMessage: foreign text shown literally on VS Code\'s plain surfaces', () => {
  for (const [name, text] of Object.entries(SURFACE_TEXTS)) {
    it(`${name}: Markdown renders no link, image or tag, and the same visible text`, () => {
      const container = rendered(plainMessage(text));
      const elements = Array.from(container.querySelectorAll('*')).map((element) => element.tagName.toLowerCase());
      assert.deepEqual(elements.filter((tag) => !FORMATTING.has(tag)), [], container.innerHTML);
      assert.equal(visible(container.textContent ?? ''), visible(text));
    });

    it(`${name}: no link where VS Code reads links, no icon where it reads icons, nothing removed or added`, () => {
      const plain = plainMessage(text);
      assert.deepEqual(plain.match(VSCODE_LINK), null);
      assert.deepEqual([...plain.matchAll(VSCODE_ICON)].filter((match) => match[1] === undefined).map((match) => match[0]), []);
      assert.equal(plain.replace(WORD_JOINER, ''), text);
    });
  }

  it('what was a link before is one without it (the checks above are not vacuous)', () => {
    assert.ok(SURFACE_TEXTS['a file named as a command link']!.match(VSCODE_LINK));
    assert.ok(rendered(SURFACE_TEXTS['a model id that is a remote image']!).querySelector('img'));
    assert.ok(rendered(SURFACE_TEXTS['a reference image and its definition']!).querySelector('img'));
    assert.ok(rendered(SURFACE_TEXTS['an HTML image']!).querySelector('img'));
    assert.equal(rendered(SURFACE_TEXTS['entities that would decode']!).textContent?.trim(), '<b> & A ©');
  });

  it('leaves text without such syntax exactly as it was', () => {
    const text = SURFACE_TEXTS['an ordinary message']!;
    assert.equal(plainMessage(text), text);
    assert.equal(plainMessage('src/[id]/page.tsx'), 'src/[id]\u2060/page.tsx');
  });

  it('changes nothing more when applied twice', () => {
    for (const text of Object.values(SURFACE_TEXTS)) assert.equal(plainMessage(plainMessage(text)), plainMessage(text));
  });

  for (const hostile of HOSTILE_ANSWERS) {
    it(`a hostile answer (${hostile.name}) renders no link, image or tag`, () => {
      const tags = Array.from(rendered(plainMessage(hostile.markdown)).querySelectorAll('*')).map((element) => element.tagName.toLowerCase());
      assert.deepEqual(tags.filter((tag) => !FORMATTING.has(tag)), []);
    });
  }
});
