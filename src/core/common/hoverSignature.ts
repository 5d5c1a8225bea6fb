/** One piece of a hover: a code block with its language, or Markdown (whose fenced blocks are read). */
export type HoverPart = { readonly code: string } | { readonly markdown: string };

/**
 * What a hover says about a definition:
 * - `signature`: code to send in its place;
 * - `placeholder`: the server answered but said nothing yet (still loading,
 *   or only that the name is imported): nothing is sent for it;
 * - `none`: no code at all in the hover.
 */
export type HoverSignature =
  | { readonly kind: 'signature'; readonly code: string }
  | { readonly kind: 'placeholder' }
  | { readonly kind: 'none' };

/**
 * A leading "(loading...)" as TypeScript puts it before what its syntax-only
 * server guessed while the project loads (translated in other display
 * languages, so any parenthesised word(s) ending in an ellipsis).
 */
const LOADING_MARK = /^\s*\([^()\n]*(?:\.{3}|…)\)/;

/**
 * A line that only says a name was imported: TypeScript's `import X` /
 * `(alias) import X`, and the import forms of other languages.
 */
const IMPORT_LINE = /^\s*(?:\((?:alias|import)\)\s*)?(?:import\b|from\s+\S+\s+import\b|use\s+[\w:{}, *]+;?\s*$|using\s+[\w.]+\s*;?\s*$|#\s*include\b|(?:const|let|var)\s+[\w{}, ]+=\s*require\()/;

/** Whether a line of code only restates an import (no signature in it). */
export function isImportLine(line: string): boolean {
  return IMPORT_LINE.test(line);
}

/** The signature a hover gives for a name, without loading placeholders and import restatements. */
export function hoverSignature(parts: readonly HoverPart[]): HoverSignature {
  const blocks = parts.flatMap((part) => ('code' in part ? [part.code] : fencedBlocks(part.markdown)));
  if (blocks.every((block) => !block.trim())) return { kind: 'none' };
  const kept = blocks
    .filter((block) => !LOADING_MARK.test(block))
    .map((block) => block.split('\n').filter((line) => line.trim() && !isImportLine(line)).join('\n'))
    .filter((block) => block.trim());
  return kept.length ? { kind: 'signature', code: kept.join('\n').trim() } : { kind: 'placeholder' };
}

function fencedBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,})[^\n]*\n([\s\S]*?)\n\1/gm)].map((match) => match[2]!);
}
