/**
 * Foreign text (a file name, the gateway's words, a setting's value) made to
 * show literally on VS Code's small text surfaces, which each read some syntax:
 *
 * - notifications, progress and input box prompts turn `[label](command:…)`
 *   (or http, file) into a working link;
 * - status bar text, quick pick items and input box prompts turn `$(name)` into an icon;
 * - Markdown tooltips and hovers also read images, HTML, entities and backslash escapes.
 *
 * Escaping with backslashes would show the backslashes wherever Markdown is not
 * read, so instead a word joiner (U+2060, zero width, invisible) goes after each
 * character that could open such syntax: `](`, `][`, `]:`, `![`, `$(`, `<tag`,
 * `&name;` and `\x` can no longer form, and the text reads exactly as before.
 * Applying it twice changes nothing more.
 */

const WORD_JOINER = '\u2060';

const OPENS_SYNTAX = /(?:[\]<&\\]|!(?=\[)|\$(?=\())(?!\u2060)/g;

export function plainMessage(text: string): string {
  return text.replace(OPENS_SYNTAX, (character) => character + WORD_JOINER);
}
