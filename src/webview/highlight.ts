/// <reference path="./highlight-core.d.ts" />
/**
 * highlight.js, loaded only when a code block needs it, and the escaping used
 * where code is not highlighted. Produces HTML strings that still go through
 * the sanitizer (src/webview/sanitize.ts).
 *
 * The page's first script carries neither highlight.js nor its languages: each
 * is a chunk of its own (highlightLanguages.ts), fetched the first time a block
 * in that language is shown. Until it has arrived the block is shown escaped and
 * marked `highlight-pending`; `whenHighlightReady` tells the view when to
 * highlight the marked blocks in place.
 */
import type { HLJSApi } from 'highlight.js';
import { LANGUAGE_LOADERS, languageName } from './highlightLanguages';

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

/** The class on a code element shown escaped while its language loads. */
export const HIGHLIGHT_PENDING = 'highlight-pending';

/** Characters of code handed to highlight.js: what a render cost (for tests and benchmarks). */
export interface HighlightWork {
  chars: number;
  /** Set when a block was shown escaped because its language had not arrived yet. */
  pending?: boolean;
}

let hljs: HLJSApi | undefined;
let corePromise: Promise<HLJSApi> | undefined;
const languageLoads = new Map<string, Promise<void>>();
/** Languages whose chunk could not be loaded: their code stays escaped, and is not marked as waiting. */
const failed = new Set<string>();
/** Loads started and not settled: what {@link whenHighlightReady} waits for. */
const inFlight = new Set<Promise<void>>();

function loadCore(): Promise<HLJSApi> {
  corePromise ??= import('highlight.js/lib/core').then((module) => {
    hljs = module.default;
    return hljs;
  });
  return corePromise;
}

/**
 * Fetches highlight.js and the language `language` names (a highlight.js name, one of its aliases or a
 * VS Code language id). Resolves false for a language the pages do not carry, or when the chunk failed.
 */
export function loadLanguage(language: string): Promise<boolean> {
  const name = languageName(language);
  if (!name) return Promise.resolve(false);
  let load = languageLoads.get(name);
  if (!load) {
    load = Promise.all([loadCore(), LANGUAGE_LOADERS[name]()]).then(([core, module]) => {
      if (!core.getLanguage(name)) core.registerLanguage(name, module.default);
    }, (error: unknown) => {
      failed.add(name);
      throw error;
    });
    const tracked = load.catch(() => undefined).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    languageLoads.set(name, load);
  }
  return load.then(() => true, () => false);
}

/** Resolves once every language load started so far has settled (at once when none is running). */
export async function whenHighlightReady(): Promise<void> {
  while (inFlight.size > 0) await Promise.all(inFlight);
}

function readyLanguage(language: string): string | undefined {
  const name = languageName(language);
  return name && hljs?.getLanguage(name) ? name : undefined;
}

/**
 * highlight.js's HTML for `code`, or the code escaped when its language is unknown, not loaded yet (the
 * load starts, and `work.pending` is set) or the code is longer than `limit`.
 */
export function highlightCode(code: string, language: string, limit = HIGHLIGHT_LIMIT, work?: HighlightWork): string {
  if (code.length > limit || !language.trim()) return escapeHtml(code);
  const name = readyLanguage(language);
  if (name && hljs) {
    try {
      if (work) work.chars += code.length;
      return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    } catch {
      return escapeHtml(code);
    }
  }
  const wanted = languageName(language);
  if (wanted && !failed.has(wanted)) {
    void loadLanguage(language);
    if (work) work.pending = true;
  }
  return escapeHtml(code);
}

/**
 * Highlights, in place, the code elements under `root` that were shown escaped while their language
 * loaded. `toFragment` is the page's sanitizer: highlight.js's HTML goes through it like any other.
 */
export function highlightPending(root: ParentNode, toFragment: (html: string) => DocumentFragment, limit = HIGHLIGHT_LIMIT): void {
  for (const code of Array.from(root.querySelectorAll<HTMLElement>(`code.${HIGHLIGHT_PENDING}`))) {
    code.classList.remove(HIGHLIGHT_PENDING);
    const language = /(?:^|\s)language-([\w+#.-]+)/.exec(code.className)?.[1] ?? '';
    const text = code.textContent ?? '';
    if (code.childElementCount > 0 || !readyLanguage(language) || text.length > limit) continue;
    code.replaceChildren(toFragment(highlightCode(text, language, limit)));
  }
}
