/**
 * The one webview bundle (dist/webview/webview.js). The chat and Compare Models
 * pages share the Markdown renderer, the sanitizer and highlight.js, so they
 * ship once; the page's `data-page` says which one to build.
 */
import { startComparePage } from './compare/main';
import { startChatPage } from './main';

function start(): void {
  if (document.body.dataset.page === 'compare') startComparePage();
  else startChatPage();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
