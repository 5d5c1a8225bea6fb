/// <reference path="./highlight-core.d.ts" />
/**
 * highlight.js with the languages the pages show, and the escaping used where
 * code is not highlighted. Produces HTML strings that still go through the
 * sanitizer (src/webview/sanitize.ts).
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import lua from 'highlight.js/lib/languages/lua';
import makefile from 'highlight.js/lib/languages/makefile';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import powershell from 'highlight.js/lib/languages/powershell';
import python from 'highlight.js/lib/languages/python';
import r from 'highlight.js/lib/languages/r';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import scss from 'highlight.js/lib/languages/scss';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
const LANGUAGES = {
  bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, kotlin, lua, makefile, markdown,
  php, plaintext, powershell, python, r, ruby, rust, scss, shell, sql, swift, typescript, xml, yaml,
};
for (const [name, language] of Object.entries(LANGUAGES)) {
  if (!hljs.getLanguage(name)) hljs.registerLanguage(name, language);
}
// VS Code language ids that highlight.js knows by another name.
hljs.registerAliases(['typescriptreact', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['javascriptreact', 'jsx'], { languageName: 'javascript' });
hljs.registerAliases(['shellscript', 'sh', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });
hljs.registerAliases(['html', 'svg', 'vue'], { languageName: 'xml' });
hljs.registerAliases(['toml', 'properties'], { languageName: 'ini' });
hljs.registerAliases(['text', 'txt'], { languageName: 'plaintext' });

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * highlight.js takes about 1.4 ms per KB of TypeScript on a slow machine, and more for code it has to
 * backtrack on. Code above this size is shown escaped, without colours: a final block then costs at most
 * about 150 ms once, instead of seconds for a multi-megabyte one.
 */
export const HIGHLIGHT_LIMIT = 100_000;

/**
 * A code block that is still streaming is highlighted again on every frame; above this size it waits,
 * escaped, until it is final. 10 KB is about 14 ms of highlight.js, which keeps a frame near its budget.
 */
export const OPEN_BLOCK_HIGHLIGHT_LIMIT = 10_000;

/** Characters of code handed to highlight.js: what a render cost (for tests and benchmarks). */
export interface HighlightWork {
  chars: number;
}

/** highlight.js's HTML for `code`, or the code escaped when its language is unknown or it is longer than `limit`. */
export function highlightCode(code: string, language: string, limit = HIGHLIGHT_LIMIT, work?: HighlightWork): string {
  const lang = language.trim().toLowerCase();
  if (code.length <= limit && lang && hljs.getLanguage(lang)) {
    try {
      if (work) work.chars += code.length;
      return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } catch {
      // fall through to plain text
    }
  }
  return escapeHtml(code);
}
