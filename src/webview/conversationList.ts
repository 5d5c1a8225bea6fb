/**
 * The chat's list of stored conversations under its title bar: open, rename, export and delete,
 * each a message to the host. The list is drawn from the summaries the host sends.
 *
 * While the list is closed it is drawn when the page is idle (or when it opens, whichever comes
 * first): a thousand conversations are some twelve thousand elements, and the page's first paint
 * should not wait for a list nobody sees yet.
 */
import type { ConversationSummary } from '../core/common/conversation';
import { h, iconButton, relativeTime } from './dom';
import type { HostChannel } from './vscodeApi';

export interface ConversationListEvents {
  /** The user opened a conversation from the list. */
  opened(): void;
  /** The list was shown or hidden (remembered across reloads). */
  toggled(): void;
}

export class ConversationList {
  readonly element: HTMLElement;
  private readonly items: HTMLElement;
  private summaries: readonly ConversationSummary[] = [];
  private activeId: string | undefined;
  /** Whether the items show the latest summaries; a closed list is drawn later. */
  private drawn = true;
  private drawLater: (() => void) | undefined;

  constructor(private readonly host: HostChannel, private open: boolean, private readonly toggle: HTMLButtonElement, private readonly events: ConversationListEvents) {
    this.items = h('ul', { class: 'conversation-items', role: 'list' });
    this.element = h('nav', { id: 'conversation-list', class: 'conversation-list', 'aria-label': 'Conversations', hidden: !open }, this.items);
    this.items.addEventListener('click', (event) => this.onClick(event));
  }

  get isOpen(): boolean {
    return this.open;
  }

  get conversations(): readonly ConversationSummary[] {
    return this.summaries;
  }

  /** The summaries to show, and which one is the conversation on screen. */
  set(summaries: readonly ConversationSummary[], activeId: string | undefined): void {
    this.summaries = summaries;
    this.activeId = activeId;
    this.drawn = false;
    if (this.open) this.render();
    else this.drawLater ??= whenIdle(() => {
      this.drawLater = undefined;
      if (!this.drawn) this.render();
    });
  }

  showOpen(force?: boolean): void {
    this.open = force ?? !this.open;
    this.element.hidden = !this.open;
    this.toggle.setAttribute('aria-expanded', String(this.open));
    this.events.toggled();
    if (this.open && !this.drawn) this.render();
    if (this.open) this.items.querySelector<HTMLButtonElement>('[aria-current="true"] .conversation-open, .conversation-open')?.focus();
  }

  private render(): void {
    this.drawn = true;
    const items = this.summaries.map((summary) => {
      const current = summary.id === this.activeId;
      const when = relativeTime(summary.updatedAt);
      return h('li', {
        class: `conversation-item${current ? ' current' : ''}`, 'data-role': 'conversation', 'data-conversation-id': summary.id,
        'aria-current': current ? 'true' : undefined,
      },
      h('button', {
        type: 'button', class: 'conversation-open', 'data-list-action': 'open',
        'aria-label': `Open chat: ${summary.title}, ${when}`,
      }, h('span', { class: 'conversation-title' }, summary.title), h('span', { class: 'conversation-meta' }, when)),
      iconButton(`Rename chat: ${summary.title}`, 'edit', { 'data-list-action': 'rename' }),
      iconButton(`Export chat as Markdown: ${summary.title}`, 'export', { 'data-list-action': 'export' }),
      iconButton(`Delete chat: ${summary.title}`, 'trash', { 'data-list-action': 'delete' }));
    });
    if (items.length === 0) items.push(h('li', { class: 'conversation-none' }, 'No saved chats yet.'));
    this.items.replaceChildren(...items);
  }

  private onClick(event: MouseEvent): void {
    const button = (event.target as Element).closest<HTMLElement>('[data-list-action]');
    const item = button?.closest<HTMLElement>('[data-conversation-id]');
    if (!button || !item) return;
    const id = item.dataset.conversationId ?? '';
    switch (button.dataset.listAction) {
      case 'open':
        this.host.post({ type: 'switchConversation', id });
        this.showOpen(false);
        this.events.opened();
        break;
      case 'rename':
        this.startRename(item, id);
        break;
      case 'export':
        this.host.post({ type: 'exportConversation', id });
        break;
      case 'delete':
        this.host.post({ type: 'deleteConversation', id });
        break;
      default:
        break;
    }
  }

  private startRename(item: HTMLElement, id: string): void {
    const open = item.querySelector<HTMLElement>('.conversation-open');
    const current = this.summaries.find((c) => c.id === id)?.title ?? '';
    if (!open) return;
    const input = h('input', { type: 'text', class: 'rename-input', 'aria-label': 'New name for the chat', maxlength: '200' });
    input.value = current;
    let done = false;
    const finish = (commit: boolean) => {
      if (done) return;
      done = true;
      const title = input.value.trim();
      if (commit && title && title !== current) this.host.post({ type: 'renameConversation', id, title });
      input.replaceWith(open);
      open.focus();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); finish(true); }
      if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); finish(false); }
    });
    input.addEventListener('blur', () => finish(true));
    open.replaceWith(input);
    input.focus();
    input.select();
  }
}

/** Runs `callback` when the page is idle (within a second), or after the current task where that is unknown (jsdom). */
function whenIdle(callback: () => void): () => void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout: 1_000 });
  else setTimeout(callback, 0);
  return callback;
}
