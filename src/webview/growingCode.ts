import { h } from './dom';
import type { Sanitizer } from './sanitize';

const CODE_CHUNK_LENGTH = 16_384;

/**
 * The `<code>` of a long block still streaming. What arrives goes into blocks of about
 * CODE_CHUNK_LENGTH characters, each begun at a line end, so that the browser lays out again only
 * the last of them: with the code in one run, each frame's layout grew with the whole block.
 */
export class GrowingCode {
  private target: Element;
  private targetLength = 0;
  private lineEnded = false;

  constructor(private readonly code: Element, private readonly sanitizer: Sanitizer) {
    this.target = code;
  }

  append(escaped: string): void {
    if (this.lineEnded && this.targetLength >= CODE_CHUNK_LENGTH) {
      this.target = h('span', { class: 'code-chunk' });
      this.targetLength = 0;
      this.code.append(this.target);
    }
    this.target.append(this.sanitizer.fragment(escaped));
    this.targetLength += escaped.length;
    this.lineEnded = escaped.endsWith('\n');
  }
}
