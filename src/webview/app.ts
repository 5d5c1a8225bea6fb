/**
 * The chat page. It keeps no chat data of its own: everything comes from the
 * host (`state` after `ready`, then incremental messages), and every action is
 * a message back. Only the draft and whether the list is open are remembered
 * across the page's reloads (vscode.setState).
 */
import type { AssistantTurn, ChatTurn, Conversation, ConversationSummary } from '../core/common/conversation';
import { isErrorActionId } from '../core/common/errorPresenter';
import { type ChatState, type HostMessage, type ModelOption, assertNever, isHostMessage } from '../core/common/protocol';
import type { ReasoningEffort } from '../core/common/types';
import { AnswerView, type TurnViewContext, renderPrompt } from './answer';
import { Composer } from './composer';
import { Thumbnails } from './images';
import { h, icon, iconButton, isNearBottom, relativeTime } from './dom';
import type { IconName } from './icons';
import type { Sanitizer } from './sanitize';
import type { HostChannel } from './vscodeApi';

const CODE_ACTIONS = ['copy', 'insert', 'apply', 'newFile'] as const;
type CodeAction = (typeof CODE_ACTIONS)[number];

/** A performance mark the benchmarks read: the first state (with the conversation list) painted. */
export const FIRST_PAINT_MARK = 'reasoner:first-state-painted';

export class App {
  private conversation: Conversation | undefined;
  private conversations: readonly ConversationSummary[] = [];
  private models: readonly ModelOption[] = [];
  private efforts: readonly ReasoningEffort[] = ['low', 'medium', 'high'];
  private running = false;
  private readonly answers = new Map<string, AnswerView>();
  private listOpen: boolean;
  private followBottom = true;
  private ticker: ReturnType<typeof setInterval> | undefined;

  private readonly titleText: HTMLElement;
  private readonly listToggle: HTMLButtonElement;
  private readonly list: HTMLElement;
  private readonly listItems: HTMLElement;
  private readonly notices: HTMLElement;
  private readonly messages: HTMLElement;
  private readonly composer: Composer;
  private readonly liveStatus: HTMLElement;
  private readonly liveAnswer: HTMLElement;
  private readonly turnContext: TurnViewContext;
  /** Thumbnails of the images in the conversation shown; revoked when another one is shown. */
  private readonly promptThumbnails = new Thumbnails();

  constructor(root: HTMLElement, private readonly host: HostChannel, sanitizer: Sanitizer) {
    const saved = host.loadState();
    this.listOpen = saved.listOpen;

    this.titleText = h('span', { id: 'conversation-title', class: 'title-text' }, 'Reasoner');
    this.listToggle = h('button', {
      id: 'conversations-toggle', type: 'button', class: 'title-button',
      'aria-expanded': String(this.listOpen), 'aria-controls': 'conversation-list', 'aria-label': 'Conversations',
      title: 'Show or hide the list of conversations',
    }, icon('history'), this.titleText, icon('chevron-down', 'chevron'));
    const newChat = iconButton('New Chat', 'add', { id: 'new-chat' });
    const header = h('header', { class: 'header', role: 'toolbar', 'aria-label': 'Chat' }, this.listToggle, newChat);

    this.listItems = h('ul', { class: 'conversation-items', role: 'list' });
    this.list = h('nav', { id: 'conversation-list', class: 'conversation-list', 'aria-label': 'Conversations', hidden: !this.listOpen },
      this.listItems);

    this.notices = h('div', { id: 'notices', class: 'notices' });
    this.messages = h('main', { id: 'messages', class: 'messages', 'aria-label': 'Conversation', tabindex: '-1' });
    this.liveStatus = h('div', { id: 'live-status', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.liveAnswer = h('div', { id: 'live-answer', class: 'visually-hidden', 'aria-live': 'polite', 'aria-relevant': 'additions' });

    this.turnContext = {
      sanitizer,
      post: (message) => host.post(message),
      announceText: (text) => this.announceAnswer(text),
      announceStatus: (text) => this.announceStatus(text),
      didGrow: () => this.keepBottom(),
      modelLabel: (id) => this.models.find((m) => m.id === id)?.label ?? id,
      thumbnail: (key, dataUrl) => this.promptThumbnails.urlFor(key, dataUrl),
    };
    this.composer = new Composer(host, {
      lastPrompt: () => this.lastPrompt(),
      onDraftChanged: () => this.saveState(),
      announceStatus: (text) => this.announceStatus(text),
      notice: (level, message) => this.showNotice(level, message),
    }, saved.draft);

    root.replaceChildren(header, this.list, this.notices, this.messages, this.composer.element, this.liveStatus, this.liveAnswer);

    this.listToggle.addEventListener('click', () => this.toggleList());
    newChat.addEventListener('click', () => host.post({ type: 'newChat' }));
    this.listItems.addEventListener('click', (event) => this.onListClick(event));
    this.messages.addEventListener('click', (event) => this.onMessagesClick(event));
    this.messages.addEventListener('auxclick', (event) => {
      if ((event.target as Element).closest('a')) event.preventDefault();
    });
    this.messages.addEventListener('scroll', () => { this.followBottom = isNearBottom(this.messages); }, { passive: true });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.running && !event.defaultPrevented && !(event.target as Element).closest('input')) {
        host.post({ type: 'stop' });
        this.composer.focus();
      }
    });
    this.renderEmpty();
  }

  /** Messages from the host; anything malformed is logged and ignored. */
  receive(data: unknown): void {
    if (!isHostMessage(data)) {
      console.warn('Reasoner chat: ignored a malformed message from the extension', data);
      return;
    }
    this.handle(data);
  }

  private handle(message: HostMessage): void {
    switch (message.type) {
      case 'state':
        this.applyState(message.state);
        return;
      case 'conversations':
        this.conversations = message.conversations;
        this.renderList();
        this.renderTitle();
        return;
      case 'conversation':
        this.running = message.running;
        this.showConversation(message.conversation);
        this.composer.setRunning(this.running);
        return;
      case 'turnAdded':
        if (message.conversationId !== this.conversation?.id) return;
        this.addTurn(message.turn, true);
        return;
      case 'turnDelta':
        if (message.conversationId !== this.conversation?.id) return;
        this.answers.get(message.turnId)?.appendDelta(message.text, message.reasoning);
        return;
      case 'turnProgress':
        if (message.conversationId !== this.conversation?.id) return;
        this.answers.get(message.turnId)?.setProgress(message.status);
        return;
      case 'turnUpdated':
        if (message.conversationId !== this.conversation?.id) return;
        this.updateTurn(message.turn);
        return;
      case 'running':
        if (message.conversationId !== this.conversation?.id) return;
        this.running = message.running;
        this.composer.setRunning(message.running);
        this.syncTicker();
        return;
      case 'contexts':
        this.composer.setContexts(message.contexts);
        return;
      case 'images':
        this.composer.setImages(message.images);
        return;
      case 'models':
        this.models = message.models;
        this.composer.setModels(message.models, this.efforts, message.composer);
        return;
      case 'setDraft':
        this.composer.setDraft(message.text);
        return;
      case 'focusComposer':
        this.composer.focus();
        return;
      case 'notice':
        this.showNotice(message.level, message.message);
        return;
      default:
        assertNever(message, 'host message');
    }
  }

  private applyState(state: ChatState): void {
    this.models = state.models;
    this.efforts = state.efforts;
    this.conversations = state.conversations;
    this.running = state.running;
    this.composer.setModels(state.models, state.efforts, state.composer);
    this.composer.setContexts(state.contexts);
    this.composer.setImages(state.images);
    this.composer.setRunning(state.running);
    this.showConversation(state.active);
    this.renderList();
    // For `npm run bench` (B5): when the first full state, list included, reaches the screen.
    // Optional: a page host without the User Timing API (jsdom) simply has no mark.
    if (typeof performance.getEntriesByName === 'function' && performance.getEntriesByName(FIRST_PAINT_MARK).length === 0) {
      requestAnimationFrame(() => performance.mark(FIRST_PAINT_MARK, { detail: { conversations: state.conversations.length } }));
    }
  }

  // --- conversation

  private showConversation(conversation: Conversation): void {
    const same = this.conversation?.id === conversation.id;
    this.conversation = { ...conversation, turns: [...conversation.turns] };
    this.answers.clear();
    this.promptThumbnails.release();
    this.messages.replaceChildren();
    if (conversation.turns.length === 0) this.renderEmpty();
    for (const turn of conversation.turns) this.addTurn(turn, false);
    this.renderTitle();
    this.renderList();
    this.syncTicker();
    if (!same || this.followBottom) {
      this.followBottom = true;
      this.keepBottom();
    }
  }

  private addTurn(turn: ChatTurn, live: boolean): void {
    const conversation = this.conversation;
    if (!conversation) return;
    if (live) {
      conversation.turns = [...conversation.turns.filter((t) => t.id !== turn.id), turn];
      this.messages.querySelector('.empty-state')?.remove();
    }
    if (turn.role === 'user') {
      this.messages.append(renderPrompt(turn, this.turnContext));
      if (live) this.followBottom = true;
    } else {
      const view = new AnswerView(turn, this.turnContext, live);
      this.answers.set(turn.id, view);
      this.messages.append(view.element);
      if (live) this.announceStatus(`${this.turnContext.modelLabel(turn.modelId)} is answering.`);
    }
    this.syncTicker();
    this.keepBottom();
    if (live) this.renderTitle();
  }

  private updateTurn(turn: AssistantTurn): void {
    const conversation = this.conversation;
    if (conversation) conversation.turns = conversation.turns.map((t) => (t.id === turn.id ? turn : t));
    this.answers.get(turn.id)?.update(turn, true);
    this.syncTicker();
  }

  private lastPrompt(): string | undefined {
    const turns = this.conversation?.turns ?? [];
    for (let i = turns.length - 1; i >= 0; i--) {
      const turn = turns[i];
      if (turn?.role === 'user' && turn.text.trim()) return turn.text;
    }
    return undefined;
  }

  private renderEmpty(): void {
    this.messages.replaceChildren(h('div', { class: 'empty-state', 'data-role': 'empty-state' },
      icon('comment-discussion', 'empty-icon'),
      h('p', { class: 'empty-title' }, 'Ask a reasoning model about your code.'),
      h('p', {}, 'Attach the editor selection or the current file with the buttons below, or with "Reasoner: Add Selection to Chat" (Ctrl+Alt+L). Paste a screenshot, or hold Shift and drop an image, to ask about it.'),
      h('p', {}, 'Enter sends, Shift+Enter adds a line, Escape stops, Up brings back your last prompt.')));
  }

  private renderTitle(): void {
    const id = this.conversation?.id;
    const summary = this.conversations.find((c) => c.id === id);
    const title = summary?.title ?? this.conversation?.title ?? 'Reasoner';
    this.titleText.textContent = title;
    this.listToggle.setAttribute('aria-label', `Conversations (current: ${title})`);
  }

  // --- the conversation list

  private toggleList(force?: boolean): void {
    this.listOpen = force ?? !this.listOpen;
    this.list.hidden = !this.listOpen;
    this.listToggle.setAttribute('aria-expanded', String(this.listOpen));
    this.saveState();
    if (this.listOpen) this.listItems.querySelector<HTMLButtonElement>('[aria-current="true"] .conversation-open, .conversation-open')?.focus();
  }

  private renderList(): void {
    const activeId = this.conversation?.id;
    const items = this.conversations.map((summary) => {
      const current = summary.id === activeId;
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
    this.listItems.replaceChildren(...items);
  }

  private onListClick(event: MouseEvent): void {
    const button = (event.target as Element).closest<HTMLElement>('[data-list-action]');
    const item = button?.closest<HTMLElement>('[data-conversation-id]');
    if (!button || !item) return;
    const id = item.dataset.conversationId ?? '';
    switch (button.dataset.listAction) {
      case 'open':
        this.host.post({ type: 'switchConversation', id });
        this.toggleList(false);
        this.composer.focus();
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
    const current = this.conversations.find((c) => c.id === id)?.title ?? '';
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

  // --- clicks inside answers

  private onMessagesClick(event: MouseEvent): void {
    const target = event.target as Element;
    const link = target.closest('a');
    if (link) {
      event.preventDefault();
      const href = link.getAttribute('href');
      if (href) this.host.post({ type: 'openLink', href });
      return;
    }
    const codeButton = target.closest<HTMLButtonElement>('button[data-code-action]');
    if (codeButton) {
      const block = codeButton.closest('.code-block');
      const code = block?.querySelector('pre code')?.textContent ?? block?.querySelector('pre')?.textContent ?? '';
      const languageId = block?.getAttribute('data-language') ?? '';
      const action = codeButton.dataset.codeAction as CodeAction;
      this.codeAction(action, code, languageId, codeButton);
      return;
    }
    const turnButton = target.closest<HTMLButtonElement>('button[data-turn-action]');
    const conversationId = this.conversation?.id;
    if (turnButton && conversationId) {
      const action = turnButton.dataset.turnAction ?? '';
      const turnId = turnButton.dataset.turnId ?? '';
      if (isErrorActionId(action)) {
        if (action === 'retry') this.host.post({ type: 'retry', conversationId, turnId });
        else this.host.post({ type: 'action', action, conversationId, turnId });
      }
    }
  }

  private codeAction(action: CodeAction, code: string, languageId: string, button: HTMLButtonElement): void {
    switch (action) {
      case 'copy':
        this.host.post({ type: 'copyCode', code });
        flash(button, 'check');
        this.announceStatus('Copied.');
        return;
      case 'insert':
        this.host.post({ type: 'insertCode', code });
        return;
      case 'apply':
        this.host.post({ type: 'applyCode', code, languageId });
        return;
      case 'newFile':
        this.host.post({ type: 'newFile', code, languageId });
        return;
      default:
        assertNever(action, 'code action');
    }
  }

  // --- notices, announcements, ticking, scrolling

  private showNotice(level: 'info' | 'warning' | 'error', message: string): void {
    const close = iconButton('Dismiss', 'close', { class: 'icon-button notice-close' });
    const notice = h('div', { class: `notice ${level}`, 'data-role': 'notice', 'data-level': level },
      icon(level === 'info' ? 'info' : level), h('span', { class: 'notice-text' }, message), close);
    close.addEventListener('click', () => { notice.remove(); this.composer.focus(); });
    this.notices.append(notice);
    while (this.notices.children.length > 3) this.notices.firstElementChild?.remove();
    this.announceStatus(message);
    if (level === 'info') setTimeout(() => notice.remove(), 8_000);
  }

  private announceStatus(text: string): void {
    if (!text) return;
    // Re-setting the same text would not be announced again: clear first.
    this.liveStatus.textContent = '';
    setTimeout(() => { this.liveStatus.textContent = text; }, 30);
  }

  private announceAnswer(text: string): void {
    const clean = text.trim();
    if (!clean) return;
    this.liveAnswer.append(h('p', {}, clean));
    while (this.liveAnswer.childElementCount > 20) this.liveAnswer.firstElementChild?.remove();
  }

  private syncTicker(): void {
    const streaming = [...this.answers.values()].some((a) => a.status === 'streaming');
    if (streaming && !this.ticker) {
      this.ticker = setInterval(() => {
        const now = Date.now();
        for (const answer of this.answers.values()) answer.tick(now);
      }, 1_000);
    } else if (!streaming && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private keepBottom(): void {
    if (this.followBottom) this.messages.scrollTop = this.messages.scrollHeight;
  }

  private saveState(): void {
    this.host.saveState({ draft: this.composer?.draft ?? '', listOpen: this.listOpen });
  }
}

function flash(button: HTMLButtonElement, iconName: IconName): void {
  const original = button.firstElementChild;
  const replacement = icon(iconName);
  if (original) button.replaceChild(replacement, original);
  setTimeout(() => {
    if (original && replacement.parentElement === button) button.replaceChild(original, replacement);
  }, 1_200);
}
