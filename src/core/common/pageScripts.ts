/**
 * The scripts of the pages that draw Markdown (the chat and Compare Models), by file name in dist/webview, in the
 * order the page runs them: markdown-it, which the extension shares (markdownItLibrary.ts), then the pages' own
 * bundle, which reads it from the page.
 */
export const MARKDOWN_PAGE_SCRIPTS: readonly string[] = ['markdown-it.js', 'webview.js'];
