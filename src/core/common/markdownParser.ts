/**
 * The markdown-it parser that defines what model text means on VS Code's own Markdown surfaces
 * (see inertMarkdown.ts). markdown-it itself is a file of its own (dist/webview/markdown-it.js,
 * shared with the pages: markdownItLibrary.ts), loaded the first time an answer is converted, so
 * that activation does not load it.
 */
import type MarkdownIt from 'markdown-it';
import type * as MarkdownItLibrary from './markdownItLibrary';

/** The bundler's CommonJS `require`, typed for the one module loaded here when first needed (this layer has no Node types). */
declare const require: (specifier: './markdownItLibrary') => typeof MarkdownItLibrary;

export function createMarkdownParser(): MarkdownIt {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Library = require('./markdownItLibrary').default;
  const parser = new Library('commonmark', { html: false, linkify: true }).enable(['table', 'strikethrough', 'linkify']);
  parser.block.ruler.disable('reference');
  parser.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  return parser;
}
