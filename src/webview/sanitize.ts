/**
 * The last gate before model output reaches the DOM. markdown-it already runs
 * with raw HTML off and only http(s) links; DOMPurify then keeps a short list
 * of tags and attributes, so even a renderer bug cannot add a script, an event
 * handler, a style, a frame, a form or a non-web link.
 *
 * Takes the DOMPurify instance as an argument: the webview passes the global
 * one, unit tests one bound to a jsdom window.
 */
import type { Config, DOMPurify } from 'dompurify';

export const ALLOWED_TAGS: readonly string[] = [
  'a', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'kbd', 'li', 'ol', 'p',
  'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
];
export const ALLOWED_ATTR: readonly string[] = ['href', 'title', 'class', 'start'];

/** highlight.js scopes (`hljs-keyword`, `function_`), fence languages and our own markers. */
const SAFE_CLASS = /^(hljs(-[\w-]+)?|[a-z]+_|language-[\w+#.-]{1,40}|image-link|highlight-pending)$/;
const SAFE_HREF = /^https?:\/\/[^\s]/i;

export interface Sanitizer {
  /** Sanitized HTML as a string (what tests compare). */
  html(dirty: string): string;
  /** Sanitized nodes, ready to insert without parsing again. */
  fragment(dirty: string): DocumentFragment;
}

export function createSanitizer(purify: DOMPurify): Sanitizer {
  const config: Config = {
    ALLOWED_TAGS: [...ALLOWED_TAGS],
    ALLOWED_ATTR: [...ALLOWED_ATTR],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    ALLOWED_URI_REGEXP: SAFE_HREF,
    FORBID_TAGS: ['style', 'script', 'iframe', 'object', 'embed', 'form', 'input', 'img', 'svg', 'math', 'link', 'meta', 'base'],
    FORBID_ATTR: ['style', 'src', 'srcset', 'action', 'formaction', 'xlink:href'],
    KEEP_CONTENT: true,
    WHOLE_DOCUMENT: false,
  };
  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    if (typeof element.getAttribute !== 'function') return;
    const classes = element.getAttribute('class');
    if (classes !== null) {
      const kept = classes.split(/\s+/).filter((c) => SAFE_CLASS.test(c));
      if (kept.length > 0) element.setAttribute('class', kept.join(' '));
      else element.removeAttribute('class');
    }
    if (element.tagName === 'A') {
      const href = element.getAttribute('href');
      if (href === null || !SAFE_HREF.test(href.trim())) {
        element.removeAttribute('href');
      } else {
        element.setAttribute('rel', 'noopener noreferrer');
      }
    } else {
      element.removeAttribute('href');
    }
  });
  // Set once: a configuration passed to each call is parsed again on each call (its tag and attribute
  // sets built anew), which was about as costly as sanitizing the few blocks a streaming draw hands over.
  purify.setConfig({ ...config, RETURN_DOM_FRAGMENT: true });
  const fragment = (dirty: string): DocumentFragment => purify.sanitize(dirty) as unknown as DocumentFragment;
  return {
    html: (dirty) => {
      const nodes = fragment(dirty);
      const holder = (nodes.ownerDocument ?? document).createElement('div');
      holder.append(nodes);
      return holder.innerHTML;
    },
    fragment,
  };
}
