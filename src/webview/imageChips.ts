/**
 * The images waiting for the next message, above the prompt box: one chip per
 * image with its thumbnail, name and size, and a remove button. When the
 * composer's model cannot take images, each chip says so and a line under
 * them offers to switch to the first model in the list that can.
 */
import { describeImage, formatBytes } from '../core/common/images';
import type { ImageChip, ModelOption } from '../core/common/protocol';
import { h, icon } from './dom';
import { Thumbnails } from './images';

export interface ImageChipHooks {
  removeImage(id: string): void;
  /** Switches the composer to the model with this id. */
  switchModel(modelId: string): void;
  announceStatus(text: string): void;
  /** Where focus goes when the last chip is removed. */
  focusPrompt(): void;
}

export class ImageChips {
  /** The chip row and the model warning under it. */
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly warning: HTMLElement;
  private readonly thumbnails = new Thumbnails();
  private images: readonly ImageChip[] = [];
  /** Chips the person asked to remove: announced as removed (chips taken by a send are not). */
  private readonly removing = new Set<string>();
  private model: ModelOption | undefined;
  private switchTarget: ModelOption | undefined;

  constructor(private readonly hooks: ImageChipHooks) {
    this.list = h('div', { id: 'image-chips', class: 'chips image-chips', role: 'list', 'aria-label': 'Images attached to the next message' });
    this.warning = h('div', { class: 'image-model-warning', 'data-role': 'image-model-warning', hidden: true });
    this.element = h('div', { class: 'image-attachments', hidden: true }, this.list, this.warning);
    this.list.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-remove-image]');
      if (button) this.remove(button);
    });
    this.warning.addEventListener('click', (event) => {
      if ((event.target as Element).closest('button[data-role="switch-image-model"]') && this.switchTarget) {
        this.hooks.switchModel(this.switchTarget.id);
      }
    });
  }

  get count(): number {
    return this.images.length;
  }

  /** The chips the host holds; new ones are announced, and so are the ones the person removed. */
  setImages(images: readonly ImageChip[]): void {
    const before = new Map(this.images.map((image) => [image.id, image]));
    const now = new Set(images.map((image) => image.id));
    this.images = images;
    this.thumbnails.release(now);
    const added = images.filter((image) => !before.has(image.id));
    const removed = [...before.values()].filter((image) => !now.has(image.id) && this.removing.has(image.id));
    for (const id of [...this.removing]) if (!now.has(id)) this.removing.delete(id);
    this.render();
    const said: string[] = [];
    for (const image of added) said.push(`Image ${image.name} attached.`);
    for (const image of removed) said.push(`Image ${image.name} removed.`);
    if (added.length > 0 && this.unsupported()) said.push(this.warningText());
    if (said.length > 0) this.hooks.announceStatus(said.join(' '));
  }

  /** The composer's model and the list, to say whether the images can go and where to switch. */
  setModel(model: ModelOption | undefined, models: readonly ModelOption[]): void {
    this.model = model;
    this.switchTarget = models.find((m) => m.imageInput === true);
    this.render();
  }

  /** The composer's model cannot take the images waiting (an unknown model is left to the host). */
  unsupported(): boolean {
    return this.images.length > 0 && this.model !== undefined && this.model.imageInput !== true;
  }

  private warningText(): string {
    const label = this.model?.label ?? 'This model';
    return this.switchTarget ? `${label} cannot take images. Switch to ${this.switchTarget.label} to send them.` : `${label} cannot take images, and no model in the list can.`;
  }

  private render(): void {
    // The row is drawn anew: a remove button that had the focus gets it back.
    const active = document.activeElement;
    const focusedId = active instanceof HTMLElement && this.list.contains(active) ? active.dataset.removeImage : undefined;
    const unsupported = this.unsupported();
    const modelLabel = this.model?.label ?? '';
    this.list.replaceChildren(...this.images.map((image) => {
      const what = describeImage(image);
      const thumbnail = this.thumbnails.urlFor(image.id, image.url);
      return h('span', {
        class: `chip image-chip${unsupported ? ' unsupported' : ''}`, role: 'listitem', 'data-role': 'image-chip', 'data-image-id': image.id,
        'aria-label': `Image ${what}${unsupported ? `, ${modelLabel} cannot take it` : ''}`, title: what,
      },
      thumbnail ? h('img', { class: 'chip-thumbnail', 'data-role': 'image-thumbnail', src: thumbnail, alt: '' }) : icon('file-media'),
      h('span', { class: 'chip-label' }, image.name),
      h('span', { class: 'chip-detail' }, formatBytes(image.bytes)),
      // The line under the chips says it in full; the chip keeps a mark (and the words, for screen readers and tooltips).
      unsupported ? h('span', { class: 'chip-warning', 'data-role': 'image-unsupported', title: `${modelLabel} can't take images` },
        icon('warning'), h('span', { class: 'visually-hidden' }, `${modelLabel} can't take images`)) : null,
      h('button', {
        type: 'button', class: 'chip-remove', 'data-remove-image': image.id,
        'aria-label': `Remove image ${image.name}`, title: `Remove image ${image.name}`,
      }, icon('close')));
    }));
    if (focusedId !== undefined) {
      Array.from(this.list.querySelectorAll<HTMLButtonElement>('button[data-remove-image]')).find((b) => b.dataset.removeImage === focusedId)?.focus();
    }
    this.element.hidden = this.images.length === 0;
    this.warning.hidden = !unsupported;
    if (unsupported) {
      const target = this.switchTarget;
      this.warning.replaceChildren(icon('warning'), h('span', {}, ` ${this.warningText()} `),
        ...(target ? [h('button', { type: 'button', class: 'link-button', 'data-role': 'switch-image-model', 'data-model-id': target.id }, `Switch to ${target.label}`)] : []));
    }
  }

  private remove(button: HTMLButtonElement): void {
    const id = button.dataset.removeImage ?? '';
    const buttons = Array.from(this.list.querySelectorAll<HTMLButtonElement>('button[data-remove-image]'));
    const index = buttons.indexOf(button);
    this.removing.add(id);
    this.hooks.removeImage(id);
    // Keep focus in the chip row (next chip) or go back to the prompt.
    const next = buttons[index + 1] ?? buttons[index - 1];
    if (next && next !== button) next.focus();
    else this.hooks.focusPrompt();
  }
}
