/**
 * The composer: attached code and image chips, the prompt box, the model and
 * effort pickers, and Send / Stop. Enter sends, Shift+Enter adds a line, Escape
 * stops a running answer, Up in an empty box brings back the last prompt. An
 * image is pasted into the box, dropped on the composer, or chosen with Attach
 * Image (the host's file picker).
 */
import { IMAGE_LIMITS, displayName, formatBytes, imageCountRefusal, imageModelRefusal } from '../core/common/images';
import type { ComposerSettings, ContextChip, ImageChip, ModelOption } from '../core/common/protocol';
import { DEFAULT_REASONING_EFFORT, REASONING_EFFORTS, type ReasoningEffort } from '../core/common/types';
import { h, icon, iconButton } from './dom';
import { ImageChips } from './imageChips';
import { imageFiles, pageRefusal, readBase64 } from './images';
import type { HostChannel } from './vscodeApi';

const EFFORT_LABELS: Record<ReasoningEffort, string> = { low: 'Low', medium: 'Medium', high: 'High' };
const MAX_ROWS_PX = 240;

export interface ComposerHooks {
  /** The last prompt of the conversation, for Up in an empty box. */
  lastPrompt(): string | undefined;
  onDraftChanged(draft: string): void;
  announceStatus(text: string): void;
  /** A refusal or problem to show (and announce) above the conversation. */
  notice(level: 'info' | 'warning' | 'error', message: string): void;
}

export class Composer {
  readonly element: HTMLElement;
  readonly input: HTMLTextAreaElement;
  private readonly chips: HTMLElement;
  private readonly modelPicker: HTMLSelectElement;
  private readonly effortPicker: HTMLSelectElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private running = false;
  private contexts: readonly ContextChip[] = [];
  private readonly imageChips: ImageChips;
  private models: readonly ModelOption[] = [];
  private efforts: readonly ReasoningEffort[] = REASONING_EFFORTS;

  constructor(private readonly host: HostChannel, private readonly hooks: ComposerHooks, draft: string) {
    this.chips = h('div', { id: 'context-chips', class: 'chips', role: 'list', 'aria-label': 'Code attached to the next message', hidden: true });
    this.input = h('textarea', {
      id: 'composer-input',
      class: 'composer-input',
      'aria-label': 'Message Reasoner',
      placeholder: 'Ask about your code — Enter to send, Shift+Enter for a new line',
      rows: '2',
      spellcheck: 'true',
    });
    this.input.value = draft;
    this.modelPicker = h('select', { id: 'model-picker', class: 'picker', 'aria-label': 'Model', title: 'Model for the next message' });
    this.effortPicker = h('select', { id: 'effort-picker', class: 'picker', 'aria-label': 'Reasoning effort', title: 'Reasoning effort for the next message' });
    this.sendButton = h('button', { id: 'send', type: 'button', class: 'button primary send', 'aria-label': 'Send', title: 'Send (Enter)' }, icon('send'));
    this.stopButton = h('button', { id: 'stop', type: 'button', class: 'button stop', 'aria-label': 'Stop', title: 'Stop (Escape)', hidden: true }, icon('debug-stop'));
    const addSelection = iconButton('Add Selection', 'selection', { id: 'add-selection', title: 'Attach the editor selection' });
    const addFile = iconButton('Add Current File', 'file-code', { id: 'add-file', title: 'Attach the current file' });
    const attachImage = iconButton('Attach Image', 'file-media', {
      id: 'attach-image', title: `Attach an image (PNG, JPEG, GIF or WebP, up to ${formatBytes(IMAGE_LIMITS.maxBytes)}); you can also paste or drop one`,
    });
    this.imageChips = new ImageChips({
      removeImage: (id) => this.host.post({ type: 'removeImage', id }),
      switchModel: (modelId) => this.switchModel(modelId),
      announceStatus: (text) => this.hooks.announceStatus(text),
      focusPrompt: () => this.input.focus(),
    });

    this.element = h('div', { id: 'composer', class: 'composer', role: 'group', 'aria-label': 'Compose a message' },
      this.chips,
      this.imageChips.element,
      this.input,
      h('div', { class: 'composer-bar' },
        addSelection, addFile, attachImage, this.modelPicker, this.effortPicker,
        h('span', { class: 'spacer' }),
        this.stopButton, this.sendButton));

    this.input.addEventListener('keydown', (event) => this.onKey(event));
    this.input.addEventListener('input', () => {
      this.autosize();
      this.hooks.onDraftChanged(this.input.value);
    });
    this.sendButton.addEventListener('click', () => {
      this.send();
      this.input.focus();
    });
    this.stopButton.addEventListener('click', () => this.stop());
    addSelection.addEventListener('click', () => this.host.post({ type: 'addContext', kind: 'selection' }));
    addFile.addEventListener('click', () => this.host.post({ type: 'addContext', kind: 'file' }));
    attachImage.addEventListener('click', () => this.host.post({ type: 'pickImages' }));
    this.listenForImages();
    const pickersChanged = () => this.host.post({ type: 'setComposer', modelId: this.modelPicker.value, effort: this.effortValue() });
    this.modelPicker.addEventListener('change', () => this.modelChanged());
    this.modelPicker.addEventListener('change', pickersChanged);
    this.effortPicker.addEventListener('change', pickersChanged);
    this.chips.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-remove-context]');
      if (!button) return;
      const id = button.dataset.removeContext ?? '';
      const index = this.contexts.findIndex((c) => c.id === id);
      this.host.post({ type: 'removeContext', id });
      // Keep focus in the chip row (next chip) or go back to the prompt.
      const buttons = Array.from(this.chips.querySelectorAll<HTMLButtonElement>('button[data-remove-context]'));
      const next = buttons[index + 1] ?? buttons[index - 1];
      if (next && next !== button) next.focus();
      else this.input.focus();
    });
    queueMicrotask(() => this.autosize());
  }

  focus(): void {
    this.input.focus();
    const end = this.input.value.length;
    this.input.setSelectionRange(end, end);
  }

  setModels(models: readonly ModelOption[], efforts: readonly ReasoningEffort[], settings: ComposerSettings): void {
    this.models = models;
    this.efforts = efforts.length > 0 ? efforts : this.efforts;
    const options = models.map((m) => h('option', { value: m.id, title: m.description }, m.label));
    if (!models.some((m) => m.id === settings.modelId)) {
      options.push(h('option', { value: settings.modelId, title: 'Not in the model list' }, `${settings.modelId} (unknown)`));
    }
    this.modelPicker.replaceChildren(...options);
    this.modelPicker.value = settings.modelId;
    this.effortPicker.replaceChildren(...this.efforts.map((e) => h('option', { value: e }, EFFORT_LABELS[e])));
    this.effortPicker.value = settings.effort;
    this.modelChanged();
  }

  setImages(images: readonly ImageChip[]): void {
    this.imageChips.setImages(images);
  }

  setContexts(contexts: readonly ContextChip[]): void {
    this.contexts = contexts;
    this.chips.replaceChildren(...contexts.map((chip) => {
      const where = chip.context.startLine === undefined ? 'whole file' : `lines ${chip.context.startLine}–${chip.context.endLine ?? chip.context.startLine}`;
      return h('span', {
        class: 'chip', role: 'listitem', 'data-role': 'context-chip', 'data-context-id': chip.id, 'data-context-kind': chip.kind,
        title: `${chip.context.fileName} (${where}, ${chip.context.languageId})`,
      },
      icon(chip.kind === 'file' ? 'file-code' : chip.kind === 'definition' ? 'references' : 'selection'),
      h('span', { class: 'chip-label' }, chip.label),
      h('button', {
        type: 'button', class: 'chip-remove', 'data-remove-context': chip.id,
        'aria-label': `Remove ${chip.label}`, title: `Remove ${chip.label}`,
      }, icon('close')));
    }));
    this.chips.hidden = contexts.length === 0;
  }

  setRunning(running: boolean): void {
    const hadFocus = document.activeElement === this.stopButton || document.activeElement === this.sendButton;
    this.running = running;
    this.stopButton.hidden = !running;
    this.sendButton.hidden = running;
    this.element.classList.toggle('running', running);
    if (hadFocus) (running ? this.stopButton : this.input).focus();
  }

  /** Puts a prompt back (one that could not be sent); never overwrites what the user is typing. */
  setDraft(text: string): void {
    const current = this.input.value;
    this.input.value = current.trim() ? `${current}\n\n${text}` : text;
    this.autosize();
    this.hooks.onDraftChanged(this.input.value);
    this.focus();
  }

  get draft(): string {
    return this.input.value;
  }

  private effortValue(): ReasoningEffort {
    const value = this.effortPicker.value;
    return this.efforts.find((e) => e === value) ?? DEFAULT_REASONING_EFFORT;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.send();
    } else if (event.key === 'Escape' && this.running) {
      event.preventDefault();
      this.stop();
    } else if (event.key === 'ArrowUp' && this.input.value === '') {
      const last = this.hooks.lastPrompt();
      if (last) {
        event.preventDefault();
        this.input.value = last;
        this.autosize();
        this.hooks.onDraftChanged(last);
        this.focus();
      }
    }
  }

  send(): void {
    if (this.running) {
      this.hooks.announceStatus('An answer is still running. Press Escape to stop it.');
      return;
    }
    const text = this.input.value;
    if (text.trim().length === 0 && this.contexts.length === 0 && this.imageChips.count === 0) return;
    if (this.imageChips.unsupported()) {
      // The host refuses this too; saying it here keeps the prompt in the box.
      const model = this.currentModel();
      this.hooks.notice('warning', imageModelRefusal(model?.label ?? this.modelPicker.value, this.models.filter((m) => m.imageInput).map((m) => m.label)));
      return;
    }
    this.host.post({ type: 'send', text, modelId: this.modelPicker.value, effort: this.effortValue() });
    this.input.value = '';
    this.autosize();
    this.hooks.onDraftChanged('');
  }

  stop(): void {
    if (!this.running) return;
    this.host.post({ type: 'stop' });
    this.input.focus();
  }

  private currentModel(): ModelOption | undefined {
    return this.models.find((m) => m.id === this.modelPicker.value);
  }

  private modelChanged(): void {
    this.imageChips.setModel(this.currentModel(), this.models);
  }

  /** The composer's model becomes `modelId` (the Switch button of image chips); the host is told as for the picker. */
  private switchModel(modelId: string): void {
    if (!this.models.some((m) => m.id === modelId)) return;
    this.modelPicker.value = modelId;
    this.modelChanged();
    this.host.post({ type: 'setComposer', modelId, effort: this.effortValue() });
    this.hooks.announceStatus(`Switched to ${this.currentModel()?.label ?? modelId}.`);
    this.input.focus();
  }

  /**
   * Paste into the prompt box, or drop files anywhere on the page (VS Code lets a
   * drop reach a webview while Shift is held); the composer shows where they go.
   */
  private listenForImages(): void {
    this.input.addEventListener('paste', (event) => {
      const files = imageFiles(event.clipboardData);
      // Text copied with a picture of itself (a spreadsheet, a slide) is pasted as text.
      if (files.length === 0 || event.clipboardData?.types.includes('text/plain')) return;
      event.preventDefault();
      void this.attachFiles(files);
    });
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;
    document.addEventListener('dragover', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      this.element.classList.add('drop-target');
    });
    document.addEventListener('dragleave', (event) => {
      if (event.relatedTarget === null) this.element.classList.remove('drop-target');
    });
    document.addEventListener('drop', (event) => {
      this.element.classList.remove('drop-target');
      if (!carriesFiles(event)) return;
      event.preventDefault();
      const files = imageFiles(event.dataTransfer);
      const others = (event.dataTransfer?.files.length ?? 0) - files.length;
      if (others > 0) this.hooks.notice('warning', `${others === 1 ? 'A file was' : `${others} files were`} not attached: only PNG, JPEG, GIF and WebP images can be sent.`);
      void this.attachFiles(files);
    });
  }

  /** Checks each file as far as the page can (type, size, count), reads it, and hands it to the host, which checks it again. */
  private async attachFiles(files: readonly File[]): Promise<void> {
    const room = Math.max(0, IMAGE_LIMITS.maxPerMessage - this.imageChips.count);
    for (const file of files.slice(0, room)) {
      const refusal = pageRefusal(file);
      if (refusal) {
        this.hooks.notice('warning', refusal);
        continue;
      }
      try {
        this.host.post({ type: 'addImage', name: file.name, data: await readBase64(file) });
      } catch {
        this.hooks.notice('warning', `"${displayName(file.name)}" could not be read.`);
      }
    }
    if (files.length > room) this.hooks.notice('warning', imageCountRefusal(files.length - room));
  }

  private autosize(): void {
    // CSSOM writes are allowed under the CSP (only style attributes in markup are not).
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, MAX_ROWS_PX)}px`;
  }
}
