/**
 * The chat's state, free of the editor: the conversations (stored by
 * src/core/node/history.ts), the active one, the composer's model and effort,
 * the chips waiting for the next prompt (promptAttachments.ts), and which conversations have an
 * answer running. Everything that changes it goes through here and is
 * announced as a {@link ChatChange}; the page is only a projection of it.
 *
 * No `vscode` import: the unit tests run this in plain Node.
 */
import {
  type AssistantTurn,
  type ChatTurn,
  type Conversation,
  type ConversationSummary,
  type UserTurn,
  addUserTurn,
  createConversation,
  normalizeTitle,
  startAssistantTurn,
  summarize,
} from '../../core/common/conversation';
import { type ImageAttachment, imageModelRefusal } from '../../core/common/images';
import type { Logger } from '../../core/common/logger';
import type { ModelInfo } from '../../core/common/models';
import type { ChatState, ComposerSettings, ModelOption } from '../../core/common/protocol';
import { type CodeContext, REASONING_EFFORTS, type ReasoningEffort } from '../../core/common/types';
import { ConversationStore } from '../../core/node/history';
import { messageOf } from '../errorMessage';
import { PromptAttachments } from './promptAttachments';

export interface CurrentModel {
  readonly modelId: string;
  readonly effort: ReasoningEffort;
}

export interface ChatModelOptions {
  /** A directory the chat may own (e.g. `<globalStorageUri>/chat`). */
  readonly storageDir: string;
  readonly getModels: () => readonly ModelInfo[];
  /** The user's current model and effort (settings): new chats start with them. */
  readonly getCurrent: () => CurrentModel;
  readonly log: Logger;
}

export type ChatChange =
  /** Titles, order or membership of the conversation list may have changed. */
  | { readonly kind: 'list' }
  /** The active conversation was replaced, or changed as a whole (renamed, an answer restarted). */
  | { readonly kind: 'active' }
  /** The composer's model or effort was chosen by the host, or the model list changed. */
  | { readonly kind: 'composer' }
  | { readonly kind: 'contexts' }
  | { readonly kind: 'images' }
  | { readonly kind: 'running'; readonly conversationId: string; readonly running: boolean }
  | { readonly kind: 'turnAdded'; readonly conversation: Conversation; readonly turn: ChatTurn }
  | { readonly kind: 'turnUpdated'; readonly conversation: Conversation; readonly turn: AssistantTurn };

/** An answer being written; the turn runner owns it, the model only knows it runs. */
export interface ActiveRun {
  readonly conversation: Conversation;
  readonly turn: AssistantTurn;
  stop(): void;
}

export class ChatModel {
  /** Resolves once the history index is read and a conversation is active. */
  readonly ready: Promise<void>;
  private readonly store: ConversationStore;
  private readonly listeners = new Set<(change: ChatChange) => void>();
  private readonly attachments = new PromptAttachments((kind) => this.emit({ kind }));
  // The code and image chips waiting for the next prompt.
  readonly getContexts = this.attachments.getContexts.bind(this.attachments);
  readonly addContext = this.attachments.addContext.bind(this.attachments);
  readonly removeContext = this.attachments.removeContext.bind(this.attachments);
  readonly takeContexts = this.attachments.takeContexts.bind(this.attachments);
  readonly getImages = this.attachments.getImages.bind(this.attachments);
  readonly addImage = this.attachments.addImage.bind(this.attachments);
  readonly removeImage = this.attachments.removeImage.bind(this.attachments);
  readonly takeImages = this.attachments.takeImages.bind(this.attachments);
  private readonly running = new Map<string, ActiveRun>();
  private active: Conversation | undefined;
  private composer: ComposerSettings;
  private lastCurrent: CurrentModel;
  private openError: string | undefined;

  constructor(private readonly options: ChatModelOptions) {
    this.store = new ConversationStore(options.storageDir, options.log);
    this.lastCurrent = { ...options.getCurrent() };
    this.composer = { ...this.lastCurrent };
    this.ready = this.initialize();
  }

  onDidChange(listener: (change: ChatChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  // --- reading

  /** Undefined only until {@link ready}. */
  getActiveConversation(): Conversation | undefined {
    return this.active;
  }

  /** The stored conversations, most recent first, and the active one once it has turns. */
  getConversations(): ConversationSummary[] {
    const list = this.store.list();
    const active = this.active;
    if (active && active.turns.length > 0 && !list.some((s) => s.id === active.id)) list.unshift(summarize(active));
    return list;
  }

  getComposer(): ComposerSettings {
    return this.composer;
  }

  /** Files of the history moved aside (corrupt) or an index rebuilt, since the start. */
  get historyWarnings(): readonly string[] {
    return this.store.warnings;
  }

  /** Set when the history could not be opened at all. */
  get historyError(): string | undefined {
    return this.openError;
  }

  /** Whether an answer is being written in the conversation (default: the active one). */
  isRunning(conversationId = this.active?.id ?? ''): boolean {
    return this.running.has(conversationId);
  }

  runningIn(conversationId: string): ActiveRun | undefined {
    return this.running.get(conversationId);
  }

  runs(): ActiveRun[] {
    return [...this.running.values()];
  }

  /** The conversation, wherever it is: active, running, or in the history. */
  async find(id: string): Promise<Conversation | undefined> {
    await this.ready;
    if (id === this.active?.id) return this.active;
    return this.running.get(id)?.conversation ?? await this.store.load(id);
  }

  findModel(id: string): ModelInfo | undefined {
    return this.options.getModels().find((model) => model.id === id);
  }

  modelOptions(): ModelOption[] {
    return this.options.getModels().map((m) => ({
      id: m.id, label: m.label, description: m.description, api: m.api, imageInput: m.capabilities.imageInput,
    }));
  }

  /** Everything the page shows. */
  snapshot(): ChatState {
    const active = this.requireActive();
    return {
      conversations: this.getConversations(),
      active,
      running: this.running.has(active.id),
      models: this.modelOptions(),
      efforts: REASONING_EFFORTS,
      composer: this.composer,
      contexts: this.getContexts(),
      images: this.getImages(),
    };
  }

  // --- conversations

  /** A fresh, empty conversation becomes the active one (the previous one stays in the list). */
  startNew(): Conversation {
    const conversation = createConversation();
    this.activate(conversation);
    return conversation;
  }

  /** Saves a conversation made elsewhere (a copy of an inline thread's) and makes it the active one. */
  async adopt(conversation: Conversation): Promise<void> {
    await this.ready;
    await this.save(conversation);
    this.activate(conversation);
    this.composerFrom(conversation);
  }

  /** False when the conversation could not be loaded (missing or damaged file: it leaves the list). */
  async switchTo(id: string): Promise<boolean> {
    await this.ready;
    if (id === this.active?.id) return true;
    const conversation = await this.find(id);
    if (!conversation) {
      this.emit({ kind: 'list' });
      return false;
    }
    this.activate(conversation);
    this.composerFrom(conversation);
    return true;
  }

  async rename(id: string, title: string): Promise<boolean> {
    const clean = normalizeTitle(title);
    if (!clean) return false;
    const conversation = await this.find(id);
    if (!conversation) return false;
    conversation.title = clean;
    conversation.titleSource = 'user';
    if (conversation.turns.length > 0) await this.save(conversation);
    this.conversationChanged(conversation);
    this.emit({ kind: 'list' });
    return true;
  }

  /** Stops its answer if one runs, removes it from disk; deleting the active one opens the next. */
  async delete(id: string): Promise<boolean> {
    await this.ready;
    if (!this.getConversations().some((s) => s.id === id)) return false;
    this.running.get(id)?.stop();
    await this.store.delete(id);
    if (this.active?.id === id) {
      const next = this.store.list()[0];
      this.active = (next ? await this.store.load(next.id) : undefined) ?? createConversation();
      this.emit({ kind: 'active' });
    }
    this.emit({ kind: 'list' });
    return true;
  }

  /** Announces a change to a conversation as a whole; the page redraws it when it is the active one. */
  conversationChanged(conversation: Conversation): void {
    if (conversation === this.active) this.emit({ kind: 'active' });
  }

  /** Writes the conversation (once it has turns); failures are logged, never thrown. */
  save(conversation: Conversation): Promise<void> {
    if (conversation.turns.length === 0) return Promise.resolve();
    return this.store.save(conversation).catch((error: unknown) => {
      this.options.log.error(`Chat: could not save conversation ${conversation.id}: ${messageOf(error)}`);
    });
  }

  // --- turns

  addPrompt(conversation: Conversation, text: string, context: readonly CodeContext[], images: readonly ImageAttachment[] = []): UserTurn {
    const turn = addUserTurn(conversation, text, context, Date.now(), images);
    this.emit({ kind: 'turnAdded', conversation, turn });
    return turn;
  }

  startAnswer(conversation: Conversation, modelId: string, effort: ReasoningEffort): AssistantTurn {
    const turn = startAssistantTurn(conversation, this.modelRef(modelId), effort);
    this.emit({ kind: 'turnAdded', conversation, turn });
    return turn;
  }

  turnChanged(conversation: Conversation, turn: AssistantTurn): void {
    this.emit({ kind: 'turnUpdated', conversation, turn });
  }

  modelRef(modelId: string): { readonly id: string; readonly label?: string } {
    const label = this.findModel(modelId)?.label;
    return label ? { id: modelId, label } : { id: modelId };
  }

  /** At most one answer runs per conversation. */
  runStarted(run: ActiveRun): void {
    const id = run.conversation.id;
    if (this.running.has(id)) throw new Error('A request is already running in this conversation; stop it first.');
    this.running.set(id, run);
    this.emit({ kind: 'running', conversationId: id, running: true });
    this.emit({ kind: 'list' });
  }

  runEnded(run: ActiveRun): void {
    const id = run.conversation.id;
    if (this.running.get(id) !== run) return;
    this.running.delete(id);
    this.emit({ kind: 'running', conversationId: id, running: false });
    this.emit({ kind: 'list' });
  }

  // --- composer

  /**
   * The page's choice of model and effort. The page is not trusted: a model id
   * that is not in the list is refused (false) and the composer stays as it was.
   */
  setComposer(modelId: string, effort: ReasoningEffort): boolean {
    if (!this.options.getModels().some((model) => model.id === modelId)) return false;
    this.composer = { modelId, effort };
    return true;
  }

  /** Settings changed: the composer follows a new current model or effort; the model list is refreshed either way. */
  settingsChanged(): void {
    const current = this.options.getCurrent();
    if (current.modelId !== this.lastCurrent.modelId || current.effort !== this.lastCurrent.effort) this.followCurrentModel();
    else this.emit({ kind: 'composer' });
  }

  followCurrentModel(): void {
    this.lastCurrent = { ...this.options.getCurrent() };
    this.composer = { ...this.lastCurrent };
    this.emit({ kind: 'composer' });
  }

  /** Whether the model takes images (unknown models are left to the request runner, which names them). */
  takesImages(modelId: string): boolean {
    return this.findModel(modelId)?.capabilities.imageInput ?? true;
  }

  /**
   * What to say when `images` (default: the composer's) would go to a model that
   * cannot take them, as a new prompt or a prompt asked again (`retry`); undefined when they can go.
   */
  imageRefusal(modelId: string, images: readonly ImageAttachment[] = this.getImages(), retry = false): string | undefined {
    if (images.length === 0 || this.takesImages(modelId)) return undefined;
    const label = this.findModel(modelId)?.label ?? modelId;
    const alternatives = this.options.getModels().filter((m) => m.capabilities.imageInput).map((m) => m.label);
    return imageModelRefusal(label, alternatives, retry);
  }

  dispose(): void {
    this.listeners.clear();
  }

  // --- internals

  private async initialize(): Promise<void> {
    try {
      await this.store.open();
    } catch (error) {
      this.openError = messageOf(error);
      this.options.log.error(`Chat: could not open the history in ${this.options.storageDir}: ${this.openError}`);
    }
    let conversation: Conversation | undefined;
    for (const summary of this.store.list()) {
      conversation = await this.store.load(summary.id).catch(() => undefined);
      if (conversation) break;
    }
    this.active = conversation ?? createConversation();
    this.composerFrom(this.active, false);
  }

  private requireActive(): Conversation {
    if (!this.active) throw new Error('The chat history is still opening.');
    return this.active;
  }

  private activate(conversation: Conversation): void {
    this.active = conversation;
    this.emit({ kind: 'active' });
    this.emit({ kind: 'list' });
  }

  /** A conversation reopens with the model and effort of its last answer, when that model still exists. */
  private composerFrom(conversation: Conversation, announce = true): void {
    const last = [...conversation.turns].reverse().find((t): t is AssistantTurn => t.role === 'assistant');
    if (last && this.findModel(last.modelId)) this.composer = { modelId: last.modelId, effort: last.effort };
    if (announce) this.emit({ kind: 'composer' });
  }

  private emit(change: ChatChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
