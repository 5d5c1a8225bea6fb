/**
 * The chat page. It keeps no chat data of its own: everything comes from the
 * host (`state` after `ready`, then incremental messages), and every action is
 * a message back. Only the draft and whether the list is open are remembered
 * across the page's reloads (vscode.setState).
 */
import type { AssistantTurn, ChatTurn, Conversation } from '../core/common/conversation';
import { isErrorActionId } from '../core/common/errorPresenter';
import { type ChatState, type HostMessage, type ModelOption, assertNever, isHostMessage } from '../core/common/protocol';
import { REASONING_EFFORTS, type ReasoningEffort } from '../core/common/types';
import { Announcer } from './announcer';
import { AnswerView, type TurnViewContext, renderPrompt } from './answer';
import { answerContentClick, keepLinksInPage } from './answerClicks';
import { Composer } from './composer';
import { ConversationList } from './conversationList';
import { Thumbnails } from './images';
import { FIRST_PAINT_MARK, mark } from './marks';
import { h, icon, iconButton, isNearBottom } from './dom';
import type { IconName } from './icons';
import type { Sanitizer } from './sanitize';
import type { HostChannel } from './vscodeApi';


export class App {
  private conversation: Conversation | undefined;
  private models: readonly ModelOption[] = [];
  private efforts: readonly ReasoningEffort[] = REASONING_EFFORTS;
  private running = false;
  private readonly answers = new Map<string, AnswerView>();
  private followBottom = true;
  /**
   * Keeps the list at the bottom when a turn grows, right after the browser has laid the frame out:
   * reading the list's height just after a draw changed it forced a layout of its own on every draw.
   */
  private readonly turnSizes = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.keepBottom()) : undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  private readonly titleText: HTMLElement;
  private readonly listToggle: HTMLButtonElement;
  private readonly list: ConversationList;
  private readonly announcer: Announcer;
  private readonly messages: HTMLElement;
  private readonly composer: Composer;
  private readonly turnContext: TurnViewContext;
  /** Thumbnails of the images in the conversation shown; revoked when another one is shown. */
  private readonly promptThumbnails = new Thumbnails();

  constructor(root: HTMLElement, private readonly host: HostChannel, sanitizer: Sanitizer) {
    const saved = host.loadState();

    this.titleText = h('span', { id: 'conversation-title', class: 'title-text' }, 'Reasoner');
    this.listToggle = h('button', {
      id: 'conversations-toggle', type: 'button', class: 'title-button',
      'aria-expanded': String(saved.listOpen), 'aria-controls': 'conversation-list', 'aria-label': 'Conversations',
      title: 'Show or hide the list of conversations',
    }, icon('history'), this.titleText, icon('chevron-down', 'chevron'));
    const newChat = iconButton('New Chat', 'add', { id: 'new-chat' });
    const header = h('header', { class: 'header', role: 'toolbar', 'aria-label': 'Chat' }, this.listToggle, newChat);

    this.list = new ConversationList(host, saved.listOpen, this.listToggle, {
      opened: () => this.composer.focus(),
      toggled: () => this.saveState(),
    });
    this.announcer = new Announcer(() => this.composer.focus());
    this.messages = h('main', { id: 'messages', class: 'messages', 'aria-label': 'Conversation', tabindex: '-1' });

    this.turnContext = {
      sanitizer,
      announceText: (text) => this.announcer.answer(text),
      announceStatus: (text) => this.announcer.status(text),
      didGrow: () => { if (!this.turnSizes) this.keepBottom(); },
      modelLabel: (id) => this.models.find((m) => m.id === id)?.label ?? id,
      thumbnail: (key, dataUrl) => this.promptThumbnails.urlFor(key, dataUrl),
    };
    this.composer = new Composer(host, {
      lastPrompt: () => this.lastPrompt(),
      onDraftChanged: () => this.saveState(),
      announceStatus: (text) => this.announcer.status(text),
      notice: (level, message) => this.announcer.notice(level, message),
    }, saved.draft);

    const { notices, liveStatus, liveAnswer } = this.announcer;
    root.replaceChildren(header, this.list.element, notices, this.messages, this.composer.element, liveStatus, liveAnswer);

    this.listToggle.addEventListener('click', () => this.list.showOpen());
    newChat.addEventListener('click', () => host.post({ type: 'newChat' }));
    this.messages.addEventListener('click', (event) => this.onMessagesClick(event));
    keepLinksInPage(this.messages);
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
        this.list.set(message.conversations, this.conversation?.id);
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
        this.announcer.notice(message.level, message.message);
        return;
      default:
        assertNever(message, 'host message');
    }
  }

  private applyState(state: ChatState): void {
    this.models = state.models;
    this.efforts = state.efforts;
    this.running = state.running;
    this.composer.setModels(state.models, state.efforts, state.composer);
    this.composer.setContexts(state.contexts);
    this.composer.setImages(state.images);
    this.composer.setRunning(state.running);
    this.showConversation(state.active, state.conversations);
    // For `npm run bench` (B5): when the first full state, list included, reaches the screen.
    // Optional: a page host without the User Timing API (jsdom) simply has no mark.
    if (typeof performance.getEntriesByName === 'function' && performance.getEntriesByName(FIRST_PAINT_MARK).length === 0) {
      requestAnimationFrame(() => mark(FIRST_PAINT_MARK, { conversations: state.conversations.length }));
    }
  }

  // --- conversation

  private showConversation(conversation: Conversation, summaries = this.list.conversations): void {
    const same = this.conversation?.id === conversation.id;
    this.conversation = { ...conversation, turns: [...conversation.turns] };
    this.answers.clear();
    this.promptThumbnails.release();
    this.turnSizes?.disconnect();
    this.messages.replaceChildren();
    if (conversation.turns.length === 0) this.renderEmpty();
    for (const turn of conversation.turns) this.addTurn(turn, false);
    this.list.set(summaries, conversation.id);
    this.renderTitle();
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
      const prompt = renderPrompt(turn, this.turnContext);
      this.messages.append(prompt);
      this.turnSizes?.observe(prompt);
      if (live) this.followBottom = true;
    } else {
      const view = new AnswerView(turn, this.turnContext, live);
      this.answers.set(turn.id, view);
      this.messages.append(view.element);
      this.turnSizes?.observe(view.element);
      if (live) this.announcer.status(`${this.turnContext.modelLabel(turn.modelId)} is answering.`);
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
    const summary = this.list.conversations.find((c) => c.id === id);
    const title = summary?.title ?? this.conversation?.title ?? 'Reasoner';
    this.titleText.textContent = title;
    this.listToggle.setAttribute('aria-label', `Conversations (current: ${title})`);
  }

  // --- clicks inside answers

  private onMessagesClick(event: MouseEvent): void {
    const content = answerContentClick(event);
    if (content) {
      if (content.message) this.host.post(content.message);
      if (content.message?.type === 'copyCode' && content.button) {
        flash(content.button, 'check');
        this.announcer.status('Copied.');
      }
      return;
    }
    const turnButton = (event.target as Element).closest<HTMLButtonElement>('button[data-turn-action]');
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

  // --- ticking, scrolling

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
    this.host.saveState({ draft: this.composer?.draft ?? '', listOpen: this.list.isOpen });
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
