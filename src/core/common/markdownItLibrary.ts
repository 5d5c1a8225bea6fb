/**
 * markdown-it, built once as dist/webview/markdown-it.js for the extension and its pages alike: the extension
 * requires that file the first time it converts an answer (markdownParser.ts), and the chat and Compare Models pages
 * run it as a script of their own just before theirs (src/vscode/webview/pageHtml.ts), where it leaves the library
 * in the global `reasonerMarkdownIt`. One copy in the .vsix instead of two, and one parser for both surfaces.
 */
import MarkdownIt from 'markdown-it';

export default MarkdownIt;
