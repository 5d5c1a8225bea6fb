import { h } from './dom';

/** Top-level blocks in one part: a draw lays out the few parts, not every block of a long answer. */
export const BLOCKS_PER_PART = 32;

/**
 * The final blocks of a rendered answer, in parts (`<div class="markdown-part">`) of BLOCKS_PER_PART
 * top-level blocks each. While an answer streams, each draw appends or replaces only the last blocks;
 * with the answer's hundreds of blocks as direct children, the browser went through all of them on
 * every layout (its cost grew with the answer). Parts are contained (styles/markdown.css), so a part
 * that is full is laid out, and once off screen painted, no more. The split depends only on the
 * sequence of blocks, so an answer drawn as it streamed and the same answer drawn at once give the
 * same DOM.
 */
export class MarkdownParts {
  private part: HTMLElement | undefined;
  private blocks = 0;

  constructor(private readonly element: HTMLElement) {}

  /** Appends the nodes of `fragment` (final blocks) after those appended before, before the tail. */
  append(fragment: DocumentFragment): void {
    for (const node of Array.from(fragment.childNodes)) {
      const block = node.nodeType === Node.ELEMENT_NODE;
      if (!this.part || (block && this.blocks >= BLOCKS_PER_PART)) {
        const next = h('div', { class: 'markdown-part' });
        if (this.part) this.part.after(next);
        else this.element.prepend(next);
        this.part = next;
        this.blocks = 0;
      }
      if (block) this.blocks++;
      this.part.append(node);
    }
  }
}
