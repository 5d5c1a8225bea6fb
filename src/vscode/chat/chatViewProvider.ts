/**
 * The chat sidebar (`reasoner.chat`): a WebviewViewProvider that owns all chat
 * state. The page is a view of that state: on every `ready` it gets the whole
 * of it, so a request keeps running while the view is hidden (and its page
 * destroyed, `retainContextWhenHidden: false`) and shows up when it returns.
 *
 * Requests go through the shared RequestRunner, one AbortController per
 * running answer, at most one running answer per conversation. Conversations
 * are stored by src/core/history.ts under `storageDir`.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import {
  type AssistantTurn,
  type Conversation,
  type ConversationSummary,
  type TurnError,
  type UserTurn,
  addUserTurn,
  contextLabel,
  conversationToMarkdown,
  copyConversation,
  createConversation,
  findTurn,
  newId,
  normalizeTitle,
  promptFor,
  startAssistantTurn,
  statusFor,
  summarize,
  toRequestTurns,
} from '../../core/common/conversation';
import type { ErrorActionId as ErrorAction } from '../../core/common/errorPresenter';
import { isApiError } from '../../core/common/errors';
import { ConversationStore } from '../../core/node/history';
import type { ModelInfo } from '../../core/common/models';
import { INSTRUCTIONS } from '../../core/common/prompts';
import {
  type ChatState,
  type ComposerSettings,
  type ContextChip,
  type ContextKind,
  type HostMessage,
  type ModelOption,
  STATE_MESSAGE_TYPES,
  type WebviewMessage,
  assertNever,
  parseWebviewMessage,
} from '../../core/common/protocol';
import { type CodeContext, REASONING_EFFORTS, type ReasoningEffort, type StreamEvent } from '../../core/common/types';
import { codeFromEditor, fileContext } from '../editorContext';
import type { RequestRunner, RunResult } from '../runner';
import type { ChatBridge } from '../services';
import type { DiffPreview } from '../diff/diffPreview';
import { ChatCodeActions, type CodeActionOutcome, type ConfirmApply } from './codeActions';
import { chatHtml, webviewOptions } from './html';

export const CHAT_VIEW_ID = 'reasoner.chat';

/** What the provider logs to; the extension's Logger fits. */
export interface ChatLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ChatViewProviderOptions {
  readonly extensionUri: vscode.Uri;
  /** A directory the chat may own (e.g. `<globalStorageUri>/chat`). */
  readonly storageDir: string;
  readonly runner: RequestRunner;
  readonly getModels: () => readonly ModelInfo[];
  readonly getCurrent: () => { readonly modelId: string; readonly effort: ReasoningEffort };
  readonly log: ChatLog;
  /**
   * Subscribes to changes of the model list or the user's current model/effort
   * (settings): the composer then follows. A vscode.Event fits, and so does
   * `onDidChangeSettings` from src/vscode/config.ts.
   */
  readonly onDidChangeModels?: (listener: () => void) => vscode.Disposable;
  /** Instructions sent with every chat request; defaults to the chat prompt of src/core/prompts.ts. */
  readonly instructions?: string;
  /** The extension's diff preview for Apply to Selection; without one the chat owns its own. */
  readonly diffPreview?: DiffPreview;
}

/** Where the page lives: a WebviewView, or (in tests) a WebviewPanel adapted to this shape. */
export interface ChatSurface {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  readonly onDidDispose: vscode.Event<void>;
  readonly onDidChangeVisibility?: vscode.Event<void>;
  show?(preserveFocus?: boolean): void;
}

export interface SendOptions {
  /** Code to attach; defaults to (and then clears) the chips in the composer. */
  readonly context?: readonly CodeContext[];
  readonly modelId?: string;
  readonly effort?: ReasoningEffort;
}

interface Running {
  readonly conversation: Conversation;
  readonly turn: AssistantTurn;
  readonly controller: AbortController;
  readonly startedAt: number;
  stopped: boolean;
  pendingText: string;
  pendingReasoning: string;
  flushTimer: ReturnType<typeof setTimeout> | undefined;
  lastSave: number;
  readonly done: Promise<AssistantTurn>;
  resolve(turn: AssistantTurn): void;
}

const DELTA_INTERVAL_MS = 40;
const STREAM_SAVE_INTERVAL_MS = 5_000;
const MAX_CONTEXT_CHARS = 400_000;
const QUEUE_LIMIT = 50;

const ACTION_COMMANDS: Record<Exclude<ErrorAction, 'retry'>, readonly [string, ...unknown[]]> = {
  setApiKey: [COMMANDS.setApiKey],
  getApiKey: ['vscode.open', 'https://aimlapi.com/app/keys'],
  lowerEffort: [COMMANDS.selectReasoningEffort],
  openBilling: ['vscode.open', 'https://aimlapi.com/app/billing'],
  switchModel: [COMMANDS.selectModel],
  openLog: [COMMANDS.showLog],
  openSettings: ['workbench.action.openSettings', '@ext:reasoner-dev.reasoner'],
};

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable, ChatBridge {
  static readonly viewId = CHAT_VIEW_ID;

  /** Resolves once the history index is read and a conversation is active. */
  readonly ready: Promise<void>;
  private readonly store: ConversationStore;
  private readonly codeActions: ChatCodeActions;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly running = new Map<string, Running>();
  private readonly saving = new Set<Promise<void>>();
  private readonly stateEmitter = new vscode.EventEmitter<void>();
  private readonly postEmitter = new vscode.EventEmitter<HostMessage>();
  /** Fires after any change to conversations, turns or the composer. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Every message delivered to the page: for tests and logging. */
  readonly onDidPostMessage = this.postEmitter.event;

  private active!: Conversation;
  private composer: ComposerSettings;
  private lastCurrent: { readonly modelId: string; readonly effort: ReasoningEffort };
  private contexts: ContextChip[] = [];
  private surface: ChatSurface | undefined;
  private surfaceDisposables: vscode.Disposable[] = [];
  private pageReady = false;
  private queue: HostMessage[] = [];
  private disposed = false;
  private readonly instructions: string;

  constructor(private readonly options: ChatViewProviderOptions) {
    this.codeActions = new ChatCodeActions(options.diffPreview);
    this.store = new ConversationStore(options.storageDir, { info: (m) => options.log.info(m), warn: (m) => options.log.warn(m) });
    const current = options.getCurrent();
    this.composer = { modelId: current.modelId, effort: current.effort };
    this.instructions = options.instructions ?? INSTRUCTIONS.chat;
    this.disposables.push(this.codeActions, this.stateEmitter, this.postEmitter);
    this.lastCurrent = current;
    if (options.onDidChangeModels) {
      this.disposables.push(options.onDidChangeModels(() => this.settingsChanged()));
    }
    this.ready = this.initialize();
  }

  // -------------------------------------------------------------------------
  // The view

  resolveWebviewView(view: vscode.WebviewView): void {
    this.attach(view);
  }

  /** Shows the chat in a surface (the sidebar view; tests use a WebviewPanel). Replaces any previous one. */
  attach(surface: ChatSurface): vscode.Disposable {
    this.detach();
    this.surface = surface;
    this.pageReady = false;
    surface.webview.options = webviewOptions(this.options.extensionUri);
    surface.webview.html = chatHtml(surface.webview, this.options.extensionUri);
    this.surfaceDisposables.push(
      surface.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      surface.onDidDispose(() => {
        if (this.surface === surface) this.detach();
      }),
    );
    if (surface.onDidChangeVisibility) {
      this.surfaceDisposables.push(surface.onDidChangeVisibility(() => {
        // Hidden without retained context: the page is gone and will say `ready` again.
        if (!surface.visible) this.pageReady = false;
      }));
    }
    return new vscode.Disposable(() => {
      if (this.surface === surface) this.detach();
    });
  }

  /** The page answered `ready` and has not been hidden since. */
  get isPageReady(): boolean {
    return this.pageReady;
  }

  private detach(): void {
    for (const disposable of this.surfaceDisposables.splice(0)) disposable.dispose();
    this.surface = undefined;
    this.pageReady = false;
  }

  // -------------------------------------------------------------------------
  // Entry points for commands (extension.ts registers them)

  /** reasoner.openChat: reveals the view and puts the cursor in the composer. */
  async openChat(): Promise<void> {
    await this.reveal();
    this.post({ type: 'focusComposer' });
  }

  /** reasoner.newChat: a fresh conversation (the current one is kept in the list). */
  async newChat(): Promise<Conversation> {
    await this.ready;
    if (this.active.turns.length > 0) {
      this.active = createConversation();
      this.followCurrentModel();
      this.postConversation();
      this.postList();
      this.changed();
    }
    await this.reveal();
    this.post({ type: 'focusComposer' });
    return this.active;
  }

  /** reasoner.addSelectionToChat: the selection (or the symbol/line at the cursor) as a chip. */
  async addSelection(editor: vscode.TextEditor | undefined = this.codeActions.targetEditor()): Promise<ContextChip | undefined> {
    if (!editor) {
      this.notice('info', 'Open a file and select some code to add it to the chat.');
      return undefined;
    }
    const code = await codeFromEditor(editor);
    const chip = this.addContext('selection', code.context);
    await this.reveal();
    this.post({ type: 'focusComposer' });
    return chip;
  }

  /** Attaches the whole current file. */
  async addFile(editor: vscode.TextEditor | undefined = this.codeActions.targetEditor()): Promise<ContextChip | undefined> {
    if (!editor) {
      this.notice('info', 'Open a file to add it to the chat.');
      return undefined;
    }
    const chip = this.addContext('file', fileContext(editor.document).context);
    await this.reveal();
    this.post({ type: 'focusComposer' });
    return chip;
  }

  /**
   * ChatBridge.sendPrompt, for other entry points (custom prompts with output "chat"):
   * a new turn of the active conversation (of a new one while the active one is busy).
   * Resolves to the answer's text, or undefined when it failed or was stopped before any text.
   */
  async sendPrompt(text: string, context: readonly CodeContext[] = [], modelId?: string): Promise<string | undefined> {
    await this.ready;
    if (this.running.has(this.active.id)) {
      this.active = createConversation();
      this.postConversation();
      this.postList();
    }
    void this.reveal();
    const turn = await this.send(text, { context, ...(modelId ? { modelId } : {}) });
    return turn.status === 'error' || turn.text.length === 0 ? undefined : turn.text;
  }

  /** ChatBridge.openConversation ("Open in Chat"): a copy of the conversation as a new chat, shown. Resolves to its id. */
  async openConversation(source: Conversation): Promise<string | undefined> {
    if (source.turns.length === 0) return undefined;
    await this.ready;
    const conversation = copyConversation(source);
    await this.show(conversation);
    return conversation.id;
  }

  /** Saves an imported conversation, makes it active and reveals the view. */
  private async show(conversation: Conversation): Promise<void> {
    await this.save(conversation);
    this.active = conversation;
    const last = [...conversation.turns].reverse().find((t): t is AssistantTurn => t.role === 'assistant');
    if (last && this.findModel(last.modelId)) this.composer = { modelId: last.modelId, effort: last.effort };
    this.postConversation();
    this.postList();
    this.post({ type: 'models', models: this.modelOptions(), composer: this.composer });
    this.changed();
    await this.reveal();
    this.post({ type: 'focusComposer' });
  }

  // -------------------------------------------------------------------------
  // Test-facing (and page-facing) API

  getConversations(): ConversationSummary[] {
    const list = this.store.list();
    if (this.active && this.active.turns.length > 0 && !list.some((s) => s.id === this.active.id)) list.unshift(summarize(this.active));
    return list;
  }

  getActiveConversation(): Conversation | undefined {
    return this.active;
  }

  getComposer(): ComposerSettings {
    return this.composer;
  }

  getContexts(): readonly ContextChip[] {
    return this.contexts;
  }

  /** Resolves when every save started so far is on disk. */
  async flushHistory(): Promise<void> {
    await this.ready;
    while (this.saving.size > 0) await Promise.all([...this.saving]);
    await this.store.flush();
  }

  /** Warnings from the history (corrupt files moved aside, index rebuilt). */
  get historyWarnings(): readonly string[] {
    return this.store.warnings;
  }

  /** Whether a request is running in the conversation (default: the active one). */
  isRunning(conversationId: string = this.active?.id ?? ''): boolean {
    return this.running.has(conversationId);
  }

  /** Sends a prompt in the active conversation; resolves with the answer once it ends (complete, stopped or failed). */
  async send(text: string, options: SendOptions = {}): Promise<AssistantTurn> {
    await this.ready;
    const conversation = this.active;
    if (this.running.has(conversation.id)) throw new Error('A request is already running in this conversation; stop it first.');
    const context = options.context ?? this.contexts.map((chip) => chip.context);
    if (!options.context && this.contexts.length > 0) {
      this.contexts = [];
      this.post({ type: 'contexts', contexts: this.contexts });
    }
    if (text.trim().length === 0 && context.length === 0) throw new Error('Nothing to send: the prompt is empty.');
    const modelId = options.modelId ?? this.composer.modelId;
    const effort = options.effort ?? this.composer.effort;
    const prompt = addUserTurn(conversation, text, context);
    this.post({ type: 'turnAdded', conversationId: conversation.id, turn: prompt });
    return this.runTurn(conversation, prompt, modelId, effort);
  }

  /** Stops the running answer (default: in the active conversation). True if something was running. */
  stop(conversationId: string = this.active?.id ?? ''): boolean {
    const run = this.running.get(conversationId);
    if (!run) return false;
    run.stopped = true;
    run.controller.abort();
    this.flushDeltas(run);
    this.running.delete(conversationId);
    const turn = run.turn;
    turn.status = 'stopped';
    turn.completedAt = Date.now();
    turn.elapsedMs = turn.completedAt - run.startedAt;
    this.postTurn(run.conversation, turn);
    this.post({ type: 'running', conversationId, running: false });
    void this.save(run.conversation);
    this.changed();
    this.options.log.info(`Chat: stopped the answer in ${conversationId} after ${turn.elapsedMs} ms.`);
    run.resolve(turn);
    if (conversationId === this.active.id) this.post({ type: 'focusComposer' });
    return true;
  }

  /** Runs the prompt of a failed or stopped answer again, with the composer's model and effort. */
  async retry(turnId: string): Promise<AssistantTurn | undefined> {
    await this.ready;
    const conversation = this.active;
    const turn = findTurn(conversation, turnId);
    if (!turn || turn.role !== 'assistant' || turn.status === 'streaming' || this.running.has(conversation.id)) return undefined;
    const prompt = promptFor(conversation, turnId);
    if (!prompt) return undefined;
    const isLast = conversation.turns[conversation.turns.length - 1]?.id === turnId;
    if (isLast) {
      conversation.turns.splice(conversation.turns.length - 1, 1);
      this.postConversation();
      return this.runTurn(conversation, prompt, this.composer.modelId, this.composer.effort);
    }
    const again = addUserTurn(conversation, prompt.text, prompt.context ?? []);
    this.post({ type: 'turnAdded', conversationId: conversation.id, turn: again });
    return this.runTurn(conversation, again, this.composer.modelId, this.composer.effort);
  }

  async switchTo(id: string): Promise<boolean> {
    await this.ready;
    if (id === this.active.id) return true;
    const conversation = this.running.get(id)?.conversation ?? await this.store.load(id);
    if (!conversation) {
      this.notice('warning', 'That chat could not be opened (its file is missing or damaged); it was removed from the list.');
      this.postList();
      return false;
    }
    this.active = conversation;
    const last = [...conversation.turns].reverse().find((t): t is AssistantTurn => t.role === 'assistant');
    if (last && this.findModel(last.modelId)) this.composer = { modelId: last.modelId, effort: last.effort };
    this.postConversation();
    this.post({ type: 'models', models: this.modelOptions(), composer: this.composer });
    this.changed();
    return true;
  }

  async rename(id: string, title: string): Promise<boolean> {
    await this.ready;
    const clean = normalizeTitle(title);
    if (!clean) return false;
    const conversation = id === this.active.id ? this.active : this.running.get(id)?.conversation ?? await this.store.load(id);
    if (!conversation) return false;
    conversation.title = clean;
    conversation.titleSource = 'user';
    if (conversation.turns.length > 0) await this.save(conversation);
    if (conversation === this.active) this.postConversation();
    this.postList();
    this.changed();
    return true;
  }

  /** Deletes a conversation (after a modal confirmation unless `confirm: false`). */
  async delete(id: string, options: { readonly confirm?: boolean } = {}): Promise<boolean> {
    await this.ready;
    const summary = this.getConversations().find((s) => s.id === id);
    if (!summary) return false;
    if (options.confirm !== false) {
      const choice = await vscode.window.showWarningMessage(`Delete the chat "${summary.title}"?`, { modal: true, detail: 'This cannot be undone.' }, 'Delete');
      if (choice !== 'Delete') return false;
    }
    this.stop(id);
    await this.store.delete(id);
    if (this.active.id === id) {
      const next = this.store.list()[0];
      const loaded = next ? await this.store.load(next.id) : undefined;
      this.active = loaded ?? createConversation();
      this.postConversation();
    }
    this.postList();
    this.changed();
    return true;
  }

  /** Writes the conversation as Markdown to `target`, or where a save dialog says. Returns where, or undefined if cancelled. */
  async exportMarkdown(id: string = this.active.id, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    await this.ready;
    const conversation = id === this.active.id ? this.active : this.running.get(id)?.conversation ?? await this.store.load(id);
    if (!conversation) return undefined;
    let uri = target;
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `${slug(conversation.title) || 'chat'}.md`;
      uri = await vscode.window.showSaveDialog({
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
        filters: { Markdown: ['md'] },
        saveLabel: 'Export Chat',
        title: 'Export Chat as Markdown',
      });
      if (!uri) return undefined;
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(conversationToMarkdown(conversation)));
    this.options.log.info(`Chat: exported ${conversation.id} to ${uri.toString(true)}.`);
    if (!target) this.notice('info', `Exported to ${vscode.workspace.asRelativePath(uri)}.`);
    return uri;
  }

  setComposer(modelId: string, effort: ReasoningEffort): void {
    this.composer = { modelId, effort };
    this.changed();
  }

  removeContext(id: string): void {
    const before = this.contexts.length;
    this.contexts = this.contexts.filter((chip) => chip.id !== id);
    if (this.contexts.length !== before) {
      this.post({ type: 'contexts', contexts: this.contexts });
      this.changed();
    }
  }

  /** The code-block buttons (public so tests can drive them without the page). */
  async runCodeAction(kind: 'copy' | 'insert' | 'apply' | 'newFile', code: string, languageId = '', confirm?: ConfirmApply): Promise<CodeActionOutcome> {
    let outcome: CodeActionOutcome;
    try {
      switch (kind) {
        case 'copy': outcome = await this.codeActions.copy(code); break;
        case 'insert': outcome = await this.codeActions.insertAtCursor(code); break;
        case 'apply': outcome = await this.codeActions.applyToSelection(code, confirm); break;
        case 'newFile': outcome = await this.codeActions.newFile(code, languageId); break;
        default: return assertNever(kind, 'code action');
      }
    } catch (error) {
      this.options.log.error(`Chat: ${kind} failed: ${describe(error)}`);
      outcome = 'failed';
    }
    const message: Partial<Record<CodeActionOutcome, string>> = {
      'no-editor': 'Open a file in the editor first.',
      'no-selection': 'Select the code to replace in the editor first (or use Insert at Cursor).',
      changed: 'The selected code changed while the diff was open, so nothing was applied. Try again.',
      failed: 'The code could not be placed in the editor (is the file read-only?).',
    };
    const text = message[outcome];
    if (text) this.notice(outcome === 'failed' ? 'error' : 'warning', text);
    return outcome;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.running.keys()]) this.stop(id);
    this.detach();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  // -------------------------------------------------------------------------
  // Internals

  private async initialize(): Promise<void> {
    try {
      await this.store.open();
    } catch (error) {
      this.options.log.error(`Chat: could not open the history in ${this.options.storageDir}: ${describe(error)}`);
      this.notice('error', 'Chat history could not be read; new chats will not be saved until this is fixed. See the log.');
    }
    let conversation: Conversation | undefined;
    for (const summary of this.store.list()) {
      conversation = await this.store.load(summary.id).catch(() => undefined);
      if (conversation) break;
    }
    this.active = conversation ?? createConversation();
    // Files moved aside while opening the index or the first conversations: say so once the view shows.
    for (const warning of this.store.warnings) this.notice('warning', warning);
    const last = [...this.active.turns].reverse().find((t): t is AssistantTurn => t.role === 'assistant');
    if (last && this.findModel(last.modelId)) this.composer = { modelId: last.modelId, effort: last.effort };
  }

  private async reveal(): Promise<void> {
    if (this.surface?.show) {
      this.surface.show(false);
      return;
    }
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`).then(undefined, (error: unknown) => {
      this.options.log.warn(`Chat: could not reveal the view: ${describe(error)}`);
    });
  }

  /** The list may have changed; the composer follows only a change of the user's current model or effort. */
  private settingsChanged(): void {
    const current = this.options.getCurrent();
    const before = this.lastCurrent;
    if (current.modelId !== before.modelId || current.effort !== before.effort) {
      this.followCurrentModel();
    } else {
      this.post({ type: 'models', models: this.modelOptions(), composer: this.composer });
    }
  }

  private followCurrentModel(): void {
    const current = this.options.getCurrent();
    this.lastCurrent = current;
    this.composer = { modelId: current.modelId, effort: current.effort };
    this.post({ type: 'models', models: this.modelOptions(), composer: this.composer });
    this.changed();
  }

  private findModel(id: string): ModelInfo | undefined {
    return this.options.getModels().find((model) => model.id === id);
  }

  private modelOptions(): ModelOption[] {
    return this.options.getModels().map((m) => ({ id: m.id, label: m.label, description: m.description, api: m.api }));
  }

  private addContext(kind: ContextKind, context: CodeContext): ContextChip | undefined {
    if (context.code.length > MAX_CONTEXT_CHARS) {
      this.notice('warning', `${contextLabel(context)} is too large to attach (${context.code.length.toLocaleString()} characters). Select the part that matters.`);
      return undefined;
    }
    const label = contextLabel(context);
    const existing = this.contexts.find((chip) => chip.label === label && chip.context.code === context.code);
    if (existing) return existing;
    const chip: ContextChip = { id: newId('ctx'), kind, label, context };
    this.contexts = [...this.contexts, chip];
    this.post({ type: 'contexts', contexts: this.contexts });
    this.changed();
    return chip;
  }

  private runTurn(conversation: Conversation, prompt: UserTurn, modelId: string, effort: ReasoningEffort): Promise<AssistantTurn> {
    const model = this.findModel(modelId);
    const turn = startAssistantTurn(conversation, { id: modelId, ...(model ? { label: model.label } : {}) }, effort);
    const controller = new AbortController();
    let resolve!: (turn: AssistantTurn) => void;
    const done = new Promise<AssistantTurn>((r) => { resolve = r; });
    const run: Running = {
      conversation, turn, controller, startedAt: turn.createdAt, stopped: false,
      pendingText: '', pendingReasoning: '', flushTimer: undefined, lastSave: Date.now(), done, resolve,
    };
    this.running.set(conversation.id, run);
    this.post({ type: 'turnAdded', conversationId: conversation.id, turn });
    this.post({ type: 'running', conversationId: conversation.id, running: true });
    this.postList();
    this.changed();
    void this.save(conversation);

    const turns = toRequestTurns(conversation, prompt.id);
    // Through a promise, so that even a runner throwing synchronously ends the turn as failed.
    void Promise.resolve().then(() => this.options.runner.run({
      source: 'chat',
      modelId,
      effort,
      instructions: this.instructions,
      turns,
      signal: controller.signal,
      // After "Set API Key" on a missing or rejected key, the same prompt goes on.
      retry: () => this.retry(turn.id),
      onEvent: (event) => this.onEvent(run, event),
    })).then(
      (result) => this.finishRun(run, result, undefined),
      (error: unknown) => this.finishRun(run, undefined, error),
    );
    return done;
  }

  private onEvent(run: Running, event: StreamEvent): void {
    const turn = run.turn;
    if (run.stopped || turn.status !== 'streaming') return;
    switch (event.type) {
      case 'text':
        turn.text += event.delta;
        run.pendingText += event.delta;
        this.scheduleFlush(run);
        break;
      case 'reasoning':
        turn.reasoning += event.delta;
        run.pendingReasoning += event.delta;
        this.scheduleFlush(run);
        break;
      case 'usage':
        turn.usage = event.usage;
        this.flushDeltas(run);
        this.postTurn(run.conversation, turn);
        break;
      case 'progress':
        if (run.conversation === this.active) {
          this.post({ type: 'turnProgress', conversationId: run.conversation.id, turnId: turn.id, status: event.status });
        }
        break;
      case 'request':
        if (event.requestId) turn.requestId = event.requestId;
        break;
      case 'finish':
        turn.finish = event.reason;
        break;
      case 'error':
        // The run's result carries the error too; it is handled once, in finishRun.
        break;
      default:
        assertNever(event, 'stream event');
    }
    if (Date.now() - run.lastSave > STREAM_SAVE_INTERVAL_MS) {
      run.lastSave = Date.now();
      void this.save(run.conversation);
    }
  }

  private scheduleFlush(run: Running): void {
    run.flushTimer ??= setTimeout(() => {
      run.flushTimer = undefined;
      this.flushDeltas(run);
    }, DELTA_INTERVAL_MS);
  }

  private flushDeltas(run: Running): void {
    if (run.flushTimer) {
      clearTimeout(run.flushTimer);
      run.flushTimer = undefined;
    }
    if (!run.pendingText && !run.pendingReasoning) return;
    const text = run.pendingText;
    const reasoning = run.pendingReasoning;
    run.pendingText = '';
    run.pendingReasoning = '';
    if (run.conversation === this.active) {
      this.post({ type: 'turnDelta', conversationId: run.conversation.id, turnId: run.turn.id, text, reasoning });
    }
  }

  private finishRun(run: Running, result: RunResult | undefined, thrown: unknown): void {
    const turn = run.turn;
    const conversationId = run.conversation.id;
    if (result?.usage) turn.usage = result.usage;
    if (result?.requestId) turn.requestId = result.requestId;
    if (result?.model) turn.modelLabel = result.model.label;
    if (run.stopped) {
      // Already marked stopped (and resolved) by stop(); keep the usage that arrived late.
      if (result?.usage) this.postTurn(run.conversation, turn);
      void this.save(run.conversation);
      return;
    }
    this.flushDeltas(run);
    if (this.running.get(conversationId) === run) this.running.delete(conversationId);
    if (result && result.text.length > turn.text.length) turn.text = result.text; // non-streamed answers
    if (result && result.reasoning.length > turn.reasoning.length) turn.reasoning = result.reasoning;
    if (result?.finish) turn.finish = result.finish;
    const error = result?.error ?? (thrown === undefined ? undefined : thrown);
    const cancelled = isApiError(error) && error.kind === 'cancelled';
    turn.status = statusFor({ stopped: cancelled, failed: error !== undefined, ...(turn.finish ? { finish: turn.finish } : {}) });
    if (error !== undefined && !cancelled) {
      turn.error = toTurnError(error);
      this.options.log.warn(`Chat: the answer in ${conversationId} failed: ${isApiError(error) ? error.toLogString() : describe(error)}`);
    }
    turn.completedAt = Date.now();
    turn.elapsedMs = result?.elapsedMs ?? turn.completedAt - run.startedAt;
    this.postTurn(run.conversation, turn);
    this.post({ type: 'running', conversationId, running: false });
    this.postList();
    void this.save(run.conversation);
    this.changed();
    run.resolve(turn);
  }

  private save(conversation: Conversation): Promise<void> {
    if (conversation.turns.length === 0) return Promise.resolve();
    const saving = this.store.save(conversation).catch((error: unknown) => {
      this.options.log.error(`Chat: could not save conversation ${conversation.id}: ${describe(error)}`);
    }).finally(() => this.saving.delete(saving));
    this.saving.add(saving);
    return saving;
  }

  private changed(): void {
    if (!this.disposed) this.stateEmitter.fire();
  }

  // --- messages to the page

  private state(): ChatState {
    return {
      conversations: this.getConversations(),
      active: this.active,
      running: this.running.has(this.active.id),
      models: this.modelOptions(),
      efforts: REASONING_EFFORTS,
      composer: this.composer,
      contexts: this.contexts,
    };
  }

  private postConversation(): void {
    // The snapshot holds all text so far: deltas still waiting would repeat it.
    for (const run of this.running.values()) {
      if (run.conversation === this.active) {
        run.pendingText = '';
        run.pendingReasoning = '';
      }
    }
    this.post({ type: 'conversation', conversation: this.active, running: this.running.has(this.active.id) });
  }

  private postList(): void {
    this.post({ type: 'conversations', conversations: this.getConversations() });
  }

  private postTurn(conversation: Conversation, turn: AssistantTurn): void {
    if (conversation === this.active) this.post({ type: 'turnUpdated', conversationId: conversation.id, turn });
  }

  private notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.post({ type: 'notice', level, message });
  }

  /**
   * Delivers a message once the page said `ready`. Until then, messages that only
   * mirror state are dropped (the full state follows `ready`) and the others
   * (focus, draft, notices) are queued in order, up to a bound, also while no
   * view exists yet (a history warning at startup shows when the view opens).
   */
  private post(message: HostMessage): void {
    if (this.disposed) return;
    if (this.surface && this.pageReady) {
      this.deliver(message);
      return;
    }
    if (!STATE_MESSAGE_TYPES.has(message.type)) {
      this.queue.push(message);
      if (this.queue.length > QUEUE_LIMIT) this.queue.shift();
    }
  }

  private deliver(message: HostMessage): void {
    const surface = this.surface;
    if (!surface) return;
    this.postEmitter.fire(message);
    surface.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.options.log.warn(`Chat: could not post ${message.type} to the view: ${describe(error)}`);
    });
  }

  private async onReady(): Promise<void> {
    await this.ready;
    for (const run of this.running.values()) {
      run.pendingText = '';
      run.pendingReasoning = '';
    }
    this.pageReady = true;
    this.deliver({ type: 'state', state: this.state() });
    const queued = this.queue.splice(0);
    for (const message of queued) this.deliver(message);
  }

  // --- messages from the page

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.options.log.warn(`Chat: ignored a malformed message from the view: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.message);
    } catch (error) {
      this.options.log.error(`Chat: handling ${parsed.message.type} failed: ${describe(error)}`);
      this.notice('error', `Something went wrong: ${describe(error)}`);
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.onReady();
        return;
      case 'send': {
        this.setComposer(message.modelId, message.effort);
        if (this.running.has(this.active.id)) {
          this.post({ type: 'setDraft', text: message.text });
          this.notice('info', 'An answer is still running: stop it (Esc) or wait, then send again.');
          return;
        }
        if (message.text.trim().length === 0 && this.contexts.length === 0) return;
        await this.send(message.text);
        return;
      }
      case 'stop':
        this.stop();
        return;
      case 'retry':
        await this.retry(message.turnId);
        return;
      case 'action':
        await this.runAction(message.action, message.turnId);
        return;
      case 'setComposer':
        this.setComposer(message.modelId, message.effort);
        return;
      case 'addContext':
        if (message.kind === 'selection') await this.addSelection();
        else await this.addFile();
        return;
      case 'removeContext':
        this.removeContext(message.id);
        return;
      case 'newChat':
        await this.newChat();
        return;
      case 'switchConversation':
        await this.switchTo(message.id);
        return;
      case 'renameConversation':
        await this.rename(message.id, message.title);
        return;
      case 'deleteConversation':
        await this.delete(message.id);
        return;
      case 'exportConversation':
        await this.exportMarkdown(message.id);
        return;
      case 'copyCode':
        await this.runCodeAction('copy', message.code);
        return;
      case 'insertCode':
        await this.runCodeAction('insert', message.code);
        return;
      case 'applyCode':
        await this.runCodeAction('apply', message.code, message.languageId);
        return;
      case 'newFile':
        await this.runCodeAction('newFile', message.code, message.languageId);
        return;
      case 'openLink':
        await this.openLink(message.href);
        return;
      default:
        assertNever(message, 'webview message');
    }
  }

  private async runAction(action: ErrorAction, turnId: string): Promise<void> {
    if (action === 'retry') {
      await this.retry(turnId);
      return;
    }
    const before = this.options.getCurrent();
    const [command, ...args] = ACTION_COMMANDS[action];
    await vscode.commands.executeCommand(command, ...args);
    if (action === 'switchModel') {
      const after = this.options.getCurrent();
      if (after.modelId !== before.modelId || after.effort !== before.effort) this.followCurrentModel();
    }
  }

  private async openLink(href: string): Promise<boolean> {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(href, true);
    } catch {
      return false;
    }
    if (uri.scheme !== 'http' && uri.scheme !== 'https') {
      this.options.log.warn(`Chat: refused to open a ${uri.scheme}: link from an answer.`);
      return false;
    }
    return vscode.env.openExternal(uri);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

const KNOWN_ACTIONS: readonly ErrorAction[] = ['retry', 'setApiKey', 'switchModel', 'openLog', 'openSettings'];

/** The failure as stored and shown: the user message, the server's own words, and buttons, Retry always among them. */
export function toTurnError(error: unknown): TurnError {
  if (isApiError(error)) {
    const actions = new Set<ErrorAction>(['retry']);
    for (const action of error.actions) {
      if ((KNOWN_ACTIONS as readonly string[]).includes(action)) actions.add(action as ErrorAction);
      else if (action === 'lowerEffort') actions.add('switchModel');
    }
    actions.add('openLog');
    const serverMessage = error.serverMessage && !error.userMessage.includes(error.serverMessage) ? error.serverMessage : undefined;
    return {
      kind: error.kind,
      message: error.userMessage,
      ...(serverMessage ? { serverMessage } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
      actions: [...actions],
    };
  }
  return { kind: 'internal', message: `The request failed: ${describe(error)}`, actions: ['retry', 'openLog'] };
}

