/**
 * What waits in the composer for the next prompt: the code chips and the image
 * chips. The same code or image twice is one chip; a prompt carries at most
 * IMAGE_LIMITS.maxPerMessage images. Sending a prompt takes them all.
 *
 * No `vscode` import: the unit tests run this in plain Node (through ChatModel).
 */
import { contextLabel, newId } from '../../core/common/conversation';
import { IMAGE_LIMITS, type ImageAttachment, imageCountRefusal } from '../../core/common/images';
import type { ContextChip, ContextKind, ImageChip } from '../../core/common/protocol';
import type { CodeContext } from '../../core/common/types';

export class PromptAttachments {
  private contexts: ContextChip[] = [];
  private images: ImageChip[] = [];

  /** `changed` is told which chips changed, so the chat can announce it. */
  constructor(private readonly changed: (kind: 'contexts' | 'images') => void) {}

  getContexts(): readonly ContextChip[] {
    return this.contexts;
  }

  getImages(): readonly ImageChip[] {
    return this.images;
  }

  /** Attaches code to the next prompt; the same code twice is one chip. */
  addContext(kind: ContextKind, context: CodeContext): ContextChip {
    const label = contextLabel(context);
    const existing = this.contexts.find((chip) => chip.label === label && chip.context.code === context.code);
    if (existing) return existing;
    const chip: ContextChip = { id: newId('ctx'), kind, label, context };
    this.contexts = [...this.contexts, chip];
    this.changed('contexts');
    return chip;
  }

  removeContext(id: string): void {
    const before = this.contexts.length;
    this.contexts = this.contexts.filter((chip) => chip.id !== id);
    if (this.contexts.length !== before) this.changed('contexts');
  }

  /** The chips' code, for the prompt being sent; the composer is left without chips. */
  takeContexts(): CodeContext[] {
    const taken = this.contexts.map((chip) => chip.context);
    if (taken.length > 0) {
      this.contexts = [];
      this.changed('contexts');
    }
    return taken;
  }

  /**
   * Attaches an image (already checked) to the next prompt; the same image twice
   * is one chip. A refusal (the prompt has all the images it may carry) is returned as the words to show.
   */
  addImage(image: ImageAttachment): { readonly chip: ImageChip } | { readonly refused: string } {
    const existing = this.images.find((chip) => chip.url === image.url);
    if (existing) return { chip: existing };
    if (this.images.length >= IMAGE_LIMITS.maxPerMessage) return { refused: imageCountRefusal(1) };
    const chip: ImageChip = { id: newId('img'), ...image };
    this.images = [...this.images, chip];
    this.changed('images');
    return { chip };
  }

  removeImage(id: string): void {
    const before = this.images.length;
    this.images = this.images.filter((chip) => chip.id !== id);
    if (this.images.length !== before) this.changed('images');
  }

  /** The images for the prompt being sent; the composer is left without them. */
  takeImages(): ImageAttachment[] {
    const taken = this.images.map((chip): ImageAttachment => ({ name: chip.name, mimeType: chip.mimeType, bytes: chip.bytes, url: chip.url }));
    if (taken.length > 0) {
      this.images = [];
      this.changed('images');
    }
    return taken;
  }
}
