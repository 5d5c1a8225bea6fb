/**
 * One turn on the page. An answer renders its Markdown incrementally (see
 * src/webview/markdown.ts): blocks that are final are sanitized and appended
 * once; only the trailing block is replaced as tokens arrive, at most once
 * per animation frame (a long code block still open is not replaced: what
 * arrived is sanitized and appended to it).
 */
import {
  type AssistantTurn,
  type TurnStatus,
  type UserTurn,
  contextLabel,
  formatElapsed,
} from '../core/common/conversation';
import { answerActionIds, endedEarlyNote } from '../core/common/answerNotices';
import { ERROR_ACTION_TITLES, type ErrorActionId } from '../core/common/errorPresenter';
import { describeImage, isImageAttachment } from '../core/common/images';
import { formatUsd, usageLine } from '../core/common/usageText';
import { HIGHLIGHT_PENDING, type HighlightWork, highlightCode, highlightPending, whenHighlightReady } from './highlight';
import { GrowingCode } from './growingCode';
import { MarkdownParts } from './markdownParts';
import { tailGrowth } from './tailGrowth';
import { IncrementalMarkdown, type RenderUpdate } from './markdown';
import { h, icon, iconButton } from './dom';
import type { IconName } from './icons';
import type { Sanitizer } from './sanitize';

export interface TurnViewContext {
  readonly sanitizer: Sanitizer;
  /** Polite announcement of new answer text (screen readers). */
  announceText(text: string): void;
  announceStatus(text: string): void;
  /** Called after content grew, so the list can keep following the bottom. */
  didGrow(): void;
  modelLabel(id: string): string;
  /** A blob: URL for a prompt's image (by a key unique on the page), or undefined when it is not one we show. */
  thumbnail(key: string, dataUrl: string): string | undefined;
}

/** Titles come from the error presenter (the same on every surface); the page adds only icons. */
const ACTION_ICONS: Record<ErrorActionId, IconName> = {
  retry: 'refresh',
  setApiKey: 'key',
  getApiKey: 'link-external',
  switchModel: 'sparkle',
  lowerEffort: 'dashboard',
  openLog: 'output',
  openBilling: 'credit-card',
  openSettings: 'settings-gear',
  proxySettings: 'globe',
  certificateSettings: 'shield',
  checkConnection: 'pulse',
};

/** Streamed text is drawn about 30 times a second (every other frame at 60 Hz), not on every frame. */
const STREAM_DRAW_INTERVAL_MS = 24;

const STATUS_TEXT: Record<TurnStatus, string> = {
  streaming: 'Answering…',
  complete: 'Complete',
  stopped: 'Stopped',
  error: 'Failed',
  incomplete: 'Incomplete',
};

export function renderPrompt(turn: UserTurn, context: TurnViewContext): HTMLElement {
  const attachments = (turn.context ?? []).map((code) => {
    const body = h('code', { class: `hljs${code.languageId ? ` language-${code.languageId}` : ''}` });
    const work: HighlightWork = { chars: 0 };
    body.append(context.sanitizer.fragment(highlightCode(code.code, code.languageId, undefined, work)));
    const pre = h('pre', {}, body);
    if (work.pending) {
      body.classList.add(HIGHLIGHT_PENDING);
      highlightWhenReady(pre, context.sanitizer);
    }
    return h('details', { class: 'prompt-context', 'data-role': 'prompt-context' },
      h('summary', {}, icon(code.startLine === undefined ? 'file-code' : 'selection'), ` ${contextLabel(code)}`),
      pre);
  });
  const images = (Array.isArray(turn.images) ? turn.images : []).filter(isImageAttachment).map((image, index) => {
    const src = context.thumbnail(`${turn.id}/${index}`, image.url);
    return h('span', { class: 'prompt-image', role: 'listitem', 'data-role': 'prompt-image', title: describeImage(image) },
      src ? h('img', { class: 'prompt-thumbnail', 'data-role': 'image-thumbnail', src, alt: `Image: ${image.name}` }) : icon('file-media'),
      h('span', { class: 'prompt-image-name' }, image.name));
  });
  return h('article', { class: 'turn prompt', 'data-role': 'prompt', 'data-turn-id': turn.id, 'aria-label': 'You said' },
    h('div', { class: 'turn-header' }, icon('account'), h('span', { class: 'turn-author' }, 'You')),
    ...attachments,
    images.length > 0 ? h('div', { class: 'prompt-images', role: 'list', 'aria-label': 'Images sent with this message' }, ...images) : null,
    h('div', { class: 'prompt-text' }, turn.text));
}

/** Once the languages being fetched have arrived, highlights the code under `root` shown escaped meanwhile. */
function highlightWhenReady(root: ParentNode, sanitizer: Sanitizer, before?: () => void): void {
  void whenHighlightReady().then(() => {
    before?.();
    highlightPending(root, (html) => sanitizer.fragment(html));
  });
}

/** Puts a toolbar (Copy, Insert at Cursor, Apply to Selection, New File) on each code block under `root`. */
export function decorateCodeBlocks(root: ParentNode): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const code = pre.querySelector('code');
    const language = /(?:^|\s)language-([\w+#.-]+)/.exec(code?.className ?? '')?.[1] ?? '';
    const what = language ? `${language} code` : 'code';
    const toolbar = h('div', { class: 'code-toolbar', role: 'toolbar', 'aria-label': `Actions for ${what}` },
      h('span', { class: 'code-language' }, language),
      iconButton('Copy', 'copy', { 'data-code-action': 'copy' }),
      iconButton('Insert at Cursor', 'insert', { 'data-code-action': 'insert' }),
      iconButton('Apply to Selection', 'git-compare', { 'data-code-action': 'apply' }),
      iconButton('New File', 'new-file', { 'data-code-action': 'newFile' }));
    const wrapper = h('div', { class: 'code-block', 'data-role': 'code-block', 'data-language': language });
    pre.replaceWith(wrapper);
    wrapper.append(toolbar, pre);
  }
}

/** A rendered Markdown region fed incrementally. */
class MarkdownRegion {
  private renderer = new IncrementalMarkdown();
  /** Where final blocks go; the tail's nodes follow the parts. */
  private parts: MarkdownParts;
  /** The tail's blocks as shown: the HTML each was drawn from and its nodes (`grown`: text was appended to them). */
  private tailBlocks: { html: string; nodes: ChildNode[]; grown: boolean }[] = [];
  /** The tail's open code block, once code has been appended to it. */
  private openCode: GrowingCode | undefined;
  /** Text handed to the renderer (rendered or queued). */
  text = '';
  private queued = '';
  /** Code shown escaped while its language loads is highlighted when it has arrived. */
  private awaitingHighlight = false;

  constructor(readonly element: HTMLElement, private readonly context: TurnViewContext, private readonly announce: boolean) {
    this.parts = new MarkdownParts(element);
  }

  push(delta: string): void {
    this.text += delta;
    this.queued += delta;
  }

  /** Replace the whole text (the host's copy differs from what was streamed). */
  replace(text: string): void {
    this.renderer = new IncrementalMarkdown();
    this.element.replaceChildren();
    this.parts = new MarkdownParts(this.element);
    this.tailBlocks = [];
    this.openCode = undefined;
    this.text = text;
    this.queued = text;
  }

  flush(final: boolean): void {
    if (this.queued) {
      const delta = this.queued;
      this.queued = '';
      this.apply(this.renderer.append(delta), false);
    }
    if (final) this.apply(this.renderer.finish(), true);
  }

  private apply(update: RenderUpdate, final: boolean): void {
    if (update.codeAppend !== undefined) {
      this.appendCode(update.codeAppend);
      return;
    }
    this.openCode = undefined;
    if (update.reset) {
      this.element.replaceChildren();
      this.parts = new MarkdownParts(this.element);
      this.tailBlocks = [];
    }
    // The committed blocks and the tail start where the shown tail started: a block whose HTML is the
    // same keeps its nodes (sanitized when they were drawn), the open block may grow in place, and
    // only what changed is sanitized and drawn.
    const shown = this.tailBlocks;
    let kept = 0;
    const committedCount = update.committedBlocks.length;
    const blocks = [...update.committedBlocks, ...update.tailBlocks];
    while (kept < shown.length && kept < blocks.length && shown[kept]!.html === blocks[kept] && !(kept < committedCount && shown[kept]!.grown)) kept++;
    const last = blocks.length - 1;
    const growth = !final && kept === last && kept === shown.length - 1 && last >= committedCount ? tailGrowth(shown[kept]!.html, blocks[kept]!) : undefined;
    const grownBlock = growth && this.grow(shown[kept]!, blocks[kept]!, growth.inserted, growth.closing);
    for (const block of shown.slice(grownBlock ? kept + 1 : kept)) for (const node of block.nodes) node.remove();
    const drawn = blocks.map((_html, index) => (index < kept ? shown[index]! : index === kept && grownBlock ? grownBlock : undefined));
    if (committedCount > 0) {
      const fragment = document.createDocumentFragment();
      for (let index = 0; index < committedCount; index++) {
        const block = drawn[index];
        fragment.append(...(block ? block.nodes : [this.context.sanitizer.fragment(blocks[index]!)]));
      }
      decorateCodeBlocks(fragment);
      if (this.announce && !update.reset) this.context.announceText(fragment.textContent ?? '');
      this.parts.append(fragment);
    }
    this.tailBlocks = blocks.slice(committedCount).map((html, offset) => {
      const index = committedCount + offset;
      const block = drawn[index];
      if (block) return block;
      const fragment = this.context.sanitizer.fragment(html);
      if (final) decorateCodeBlocks(fragment);
      const nodes = Array.from(fragment.childNodes);
      this.element.append(fragment);
      return { html, nodes, grown: false };
    });
    if (!this.awaitingHighlight && (update.committed.includes(HIGHLIGHT_PENDING) || update.tail.includes(HIGHLIGHT_PENDING))) {
      this.awaitingHighlight = true;
      highlightWhenReady(this.element, this.context.sanitizer, () => { this.awaitingHighlight = false; });
    }
  }

  /**
   * The open block's new HTML puts `inserted` at the end of the element that `closing` (innermost first)
   * closes: appends it there, sanitized. Undefined (nothing changed) when the block's nodes are not as
   * `closing` says.
   */
  private grow(block: { nodes: ChildNode[] }, html: string, inserted: string, closing: readonly string[]): { html: string; nodes: ChildNode[]; grown: boolean } | undefined {
    let target: Element | undefined;
    let after: ChildNode | null = null;
    for (let depth = closing.length - 1; depth >= 0; depth--) {
      const candidates: readonly ChildNode[] = target ? Array.from(target.childNodes) : block.nodes;
      let index = candidates.length - 1;
      while (index >= 0 && candidates[index]!.nodeType === Node.TEXT_NODE && !candidates[index]!.textContent?.trim()) index--;
      const element = candidates[index];
      if (!(element instanceof Element) || element.localName !== closing[depth]) return undefined;
      target = element;
    }
    const fragment = this.context.sanitizer.fragment(inserted);
    if (!target) {
      const nodes = Array.from(fragment.childNodes);
      after = block.nodes.at(-1) ?? null;
      if (!after) return undefined;
      after.after(fragment);
      return { html, nodes: [...block.nodes, ...nodes], grown: true };
    }
    target.append(fragment);
    return { html, nodes: block.nodes, grown: true };
  }

  /** A long code block still streaming grows in place, by what arrived, instead of being replaced. */
  private appendCode(escaped: string): void {
    if (!escaped) return;
    if (!this.openCode) {
      const code = this.tailBlocks.flatMap((block) => block.nodes).find((node): node is Element => node.nodeName === 'PRE')?.querySelector('code');
      if (!code) return;
      this.openCode = new GrowingCode(code, this.context.sanitizer);
    }
    this.openCode.append(escaped);
  }
}

export class AnswerView {
  readonly element: HTMLElement;
  private turn: AssistantTurn;
  private readonly body: MarkdownRegion;
  private readonly reasoning: MarkdownRegion;
  private readonly details: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly elapsed: HTMLElement;
  private readonly usage: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly footer: HTMLElement;
  private frame = 0;
  /** Waits until a draw is due, so that no frame is asked for before then. */
  private drawTimer: ReturnType<typeof setTimeout> | undefined;
  /** The frame time of the last draw of streamed text. */
  private lastDraw = Number.NEGATIVE_INFINITY;

  /** `live`: the answer is streaming now (announce it), not replayed from state. */
  constructor(turn: AssistantTurn, private readonly context: TurnViewContext, live: boolean) {
    this.turn = turn;
    const label = turn.modelLabel ?? context.modelLabel(turn.modelId);
    this.elapsed = h('span', { class: 'answer-elapsed', 'data-role': 'elapsed' });
    this.usage = h('span', { class: 'answer-usage', 'data-role': 'usage' });
    this.badge = h('span', { class: 'answer-status', 'data-role': 'status' });
    this.meta = h('div', { class: 'turn-header answer-meta' },
      icon('sparkle'),
      h('span', { class: 'turn-author', 'data-role': 'model' }, label),
      h('span', { class: 'answer-effort', 'data-role': 'effort', title: 'Reasoning effort' }, `${turn.effort} effort`),
      this.elapsed, this.usage, this.badge);
    this.summary = h('summary', {}, 'Reasoning summary');
    const reasoningBody = h('div', { class: 'markdown reasoning-body' });
    this.details = h('details', { class: 'reasoning', 'data-role': 'reasoning', hidden: true }, this.summary, reasoningBody);
    this.progress = h('div', { class: 'answer-progress', 'data-role': 'progress', hidden: true });
    const body = h('div', { class: 'markdown answer-body', 'data-role': 'answer-body' });
    this.footer = h('div', { class: 'answer-footer', 'data-role': 'answer-footer', hidden: true });
    this.element = h('article', {
      class: 'turn answer', 'data-role': 'answer', 'data-turn-id': turn.id, 'data-state': turn.status,
      'aria-label': `Answer from ${label}`,
    }, this.meta, this.details, this.progress, body, this.footer);
    this.body = new MarkdownRegion(body, context, live);
    this.reasoning = new MarkdownRegion(reasoningBody, context, false);
    this.body.push(turn.text);
    this.reasoning.push(turn.reasoning);
    this.render(true);
  }

  get id(): string {
    return this.turn.id;
  }

  get status(): TurnStatus {
    return this.turn.status;
  }

  appendDelta(text: string, reasoning: string): void {
    if (this.turn.status !== 'streaming') return;
    if (text) this.body.push(text);
    if (reasoning) this.reasoning.push(reasoning);
    this.turn = { ...this.turn, text: this.body.text, reasoning: this.reasoning.text };
    if (text) this.progress.hidden = true;
    this.schedule();
  }

  setProgress(status: string): void {
    if (this.turn.status !== 'streaming') return;
    this.progress.replaceChildren(icon('loading', 'codicon-modifier-spin'), ` ${status}`);
    this.progress.hidden = this.body.text.length > 0;
  }

  /** The host's view of the turn: status, usage, error, and the authoritative text. */
  update(turn: AssistantTurn, live: boolean): void {
    const was = this.turn.status;
    this.turn = turn;
    syncText(this.body, turn.text);
    syncText(this.reasoning, turn.reasoning);
    this.render(false);
    if (live && was === 'streaming' && turn.status !== 'streaming') {
      const said: Record<TurnStatus, string> = {
        streaming: '',
        complete: 'Answer complete.',
        stopped: 'Answer stopped.',
        error: `The request failed: ${turn.error?.message ?? ''}`,
        incomplete: 'The answer is incomplete.',
      };
      this.context.announceStatus(said[turn.status]);
    }
  }

  /** Called every second while streaming. */
  tick(now: number): void {
    if (this.turn.status === 'streaming') this.elapsed.textContent = formatElapsed(now - this.turn.createdAt);
  }

  /**
   * Streamed text is drawn in the next frame at least STREAM_DRAW_INTERVAL_MS after the last draw: every
   * frame that changes the answer costs style, layout and paint, and a token still reaches the screen
   * within about 50 ms (npm run bench, B3). Until a draw is due no frame is asked for at all: in the
   * workbench the page shares its main thread with the whole window, and a frame costs the window's
   * lifecycle even when the answer does not change in it.
   */
  private schedule(): void {
    if (this.frame || this.drawTimer !== undefined) return;
    const wait = STREAM_DRAW_INTERVAL_MS - (performance.now() - this.lastDraw);
    if (wait > 0) {
      this.drawTimer = setTimeout(() => {
        this.drawTimer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      this.lastDraw = now;
      this.body.flush(false);
      this.reasoning.flush(false);
      this.details.hidden = this.reasoning.text.length === 0;
      this.context.didGrow();
    });
  }

  private cancelDraw(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    clearTimeout(this.drawTimer);
    this.drawTimer = undefined;
  }

  private render(initial: boolean): void {
    const turn = this.turn;
    const streaming = turn.status === 'streaming';
    this.cancelDraw();
    this.body.flush(!streaming);
    this.reasoning.flush(!streaming);
    this.element.dataset.state = turn.status;
    this.element.setAttribute('aria-busy', String(streaming));
    this.details.hidden = turn.reasoning.length === 0;
    this.summary.textContent = streaming ? 'Reasoning summary (in progress)' : 'Reasoning summary';
    this.badge.textContent = turn.status === 'complete' ? '' : STATUS_TEXT[turn.status];
    this.badge.hidden = turn.status === 'complete';
    const elapsed = turn.elapsedMs ?? (streaming ? Date.now() - turn.createdAt : undefined);
    this.elapsed.textContent = elapsed === undefined ? '' : formatElapsed(elapsed);
    this.elapsed.hidden = elapsed === undefined;
    this.elapsed.title = 'Elapsed time';
    this.renderUsage();
    if (!streaming) this.progress.hidden = true;
    else if (initial && !turn.text) {
      this.progress.replaceChildren(icon('loading', 'codicon-modifier-spin'), ' Thinking…');
      this.progress.hidden = false;
    }
    this.renderFooter();
    this.context.didGrow();
  }

  private renderUsage(): void {
    const usage = this.turn.usage;
    if (!usage) {
      this.usage.hidden = true;
      return;
    }
    this.usage.textContent = usageLine(usage);
    this.usage.title = `${usage.inputTokens} input tokens, ${usage.outputTokens} output tokens (${usage.reasoningTokens} of them reasoning)${usage.costUsd !== undefined ? `, cost ${formatUsd(usage.costUsd)}` : ''}`;
    this.usage.hidden = false;
  }

  private renderFooter(): void {
    const turn = this.turn;
    const children: Node[] = [];
    if (turn.status === 'error' && turn.error) {
      const error = turn.error;
      children.push(h('div', { class: 'answer-error-message', 'data-role': 'error-message' }, icon('error'), ` ${error.message}`));
      if (error.serverMessage) {
        children.push(h('div', { class: 'answer-error-server', 'data-role': 'server-message' },
          h('span', { class: 'label' }, `The server said${error.status ? ` (HTTP ${error.status})` : ''}: `), error.serverMessage));
      }
    } else if (turn.status === 'stopped') {
      children.push(h('div', { class: 'answer-note' }, icon('debug-stop'), ` Stopped. ${endedEarlyNote(turn)}`));
    } else if (turn.status === 'incomplete') {
      children.push(h('div', { class: 'answer-note' }, icon('warning'), ` ${endedEarlyNote(turn)}`));
    }
    const actions = answerActionIds(turn.status, turn.error);
    if (actions.length > 0) {
      children.push(h('div', { class: 'answer-actions', role: 'group', 'aria-label': 'What to do' },
        ...actions.map((action) => h('button', {
          type: 'button', class: action === 'retry' ? 'button primary' : 'button secondary',
          'data-turn-action': action, 'data-turn-id': turn.id,
        }, icon(ACTION_ICONS[action]), ` ${ERROR_ACTION_TITLES[action]}`))));
    }
    this.footer.replaceChildren(...children);
    this.footer.hidden = children.length === 0;
    this.footer.dataset.kind = turn.status === 'error' ? 'error' : 'note';
  }
}

function syncText(region: { text: string; push(delta: string): void; replace(text: string): void }, text: string): void {
  if (text === region.text) return;
  if (text.startsWith(region.text)) region.push(text.slice(region.text.length));
  else region.replace(text);
}
