/**
 * The markdown-it parser that defines what model text means on VS Code's own Markdown surfaces
 * (see inertMarkdown.ts). The extension ships it as a file of its own (dist/markdown-it.js),
 * loaded the first time an answer is converted, so that activation does not load it.
 */
import MarkdownIt from 'markdown-it';

export function createMarkdownParser(): MarkdownIt {
  const parser = new MarkdownIt('commonmark', { html: false, linkify: true }).enable(['table', 'strikethrough', 'linkify']);
  parser.block.ruler.disable('reference');
  parser.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  return parser;
}
