/**
 * The chat sidebar (`reasoner.chat`): puts the parts of the chat together and
 * is the door for the commands and other entry points.
 *
 *   ChatModel      the state (conversations, composer, chips, what runs) and its history on disk
 *   WebviewHost    the page: handshake, queue, checked dispatch to the handler table
 *   ChatPage       state changes and streamed text -> messages to the page
 *   TurnRunner     answers through the shared RequestRunner
 *
 * The page is a view of the state: it is created with the whole of it (embedded
 * in its HTML) and gets it again on `ready` when it changed meanwhile, so an
 * answer keeps running while the view is hidden (and its page destroyed,
 * `retainContextWhenHidden: false`) and shows up when it returns.
 */
import * as vscode from 'vscode';
import { type AssistantTurn, type Conversation, contextLabel, copyConversation } from '../../core/common/conversation';
import type { ImageAttachment } from '../../core/common/images';
import type { Logger } from '../../core/common/logger';
import type { ModelInfo } from '../../core/common/models';
import { INSTRUCTIONS } from '../../core/common/prompts';
import {
  type ContextChip, type ContextKind, type HostMessage, STATE_MESSAGE_TYPES, type WebviewMessage, parseWebviewMessage,
} from '../../core/common/protocol';
import type { CodeContext, ReasoningEffort } from '../../core/common/types';
import type { DefinitionContext } from '../context/definitionContext';
import { codeFromEditor, fileContext, type EditorCode } from '../editorContext';
import { messageOf } from '../errorMessage';
import { Disposable } from '../lifecycle';
import type { RequestRunner } from '../runner';
import type { ChatBridge } from '../chatBridge';
import { WebviewHost, type WebviewSurface } from '../webview/webviewHost';
import { createChatHandlers } from './chatHandlers';
import { ChatImages } from './chatImages';
import { ChatModel, type CurrentModel } from './chatModel';
import { ChatPage, type ChatWebviewHost } from './chatPage';
import type { DiffPreview } from '../diff/diffPreview';
import { CodeActions } from '../webview/codeActions';
import { CodeBlocks } from '../webview/codeBlocks';
import { webviewOptions } from '../webview/pageHtml';
import { chatHtml } from './html';
import { TurnRunner } from './turnRunner';

export const CHAT_VIEW_ID = 'reasoner.chat';
const MAX_CONTEXT_CHARS = 400_000;

export interface ChatViewProviderOptions {
  readonly extensionUri: vscode.Uri;
  /** A directory the chat may own (e.g. `<globalStorageUri>/chat`). */
  readonly storageDir: string;
  readonly runner: RequestRunner;
  readonly getModels: () => readonly ModelInfo[];
  readonly getCurrent: () => CurrentModel;
  readonly log: Logger;
  /**
   * Subscribes to changes of the model list or the user's current model/effort
   * (settings): the composer then follows. `onDidChangeSettings` from
   * src/vscode/config.ts fits.
   */
  readonly onDidChangeModels?: (listener: () => void) => vscode.Disposable;
  /** Instructions sent with every chat request; defaults to the chat prompt of src/core/common/prompts.ts. */
  readonly instructions?: string;
  /** The extension's one diff preview, so Apply to Selection shares it with Refactor (tests may leave it out). */
  readonly diffPreview?: DiffPreview;
  /** Finds the definitions attached code uses; each becomes a removable chip of its own. */
  readonly definitions?: DefinitionContext;
}

export interface SendOptions {
  /** Code to attach; defaults to (and then clears) the chips in the composer. */
  readonly context?: readonly CodeContext[];
  /** Images to attach; defaults to (and then clears) the images in the composer. */
  readonly images?: readonly ImageAttachment[];
  readonly modelId?: string;
  readonly effort?: ReasoningEffort;
}

export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider, ChatBridge {
  static readonly viewId = CHAT_VIEW_ID;

  readonly model: ChatModel;
  readonly page: ChatPage;
  readonly turns: TurnRunner;
  readonly codeBlocks: CodeBlocks;
  readonly images: ChatImages;
  readonly log: Logger;
  private readonly host: ChatWebviewHost;
  private readonly codeActions: CodeActions;
  private readonly definitions: DefinitionContext | undefined;

  constructor(options: ChatViewProviderOptions) {
    super();
    const { extensionUri, log } = options;
    this.log = log;
    this.definitions = options.definitions;
    this.model = this.register(new ChatModel(options));
    this.codeActions = this.register(new CodeActions(options.diffPreview));
    this.host = this.register(new WebviewHost<HostMessage, WebviewMessage>({
      name: 'Chat',
      log,
      webviewOptions: () => webviewOptions(extensionUri),
      // The page is created with the state, so that it draws without waiting for a round trip.
      html: (webview) => chatHtml(webview, extensionUri, this.page.pageData()),
      htmlHoldsState: true,
      parse: parseWebviewMessage,
      stateTypes: STATE_MESSAGE_TYPES,
      handlers: createChatHandlers(this),
      onHandlerError: (_message, error) => this.page.notice('error', `Something went wrong: ${messageOf(error)}`),
    }));
    this.page = this.register(new ChatPage(this.host, this.model));
    this.turns = this.register(new TurnRunner({
      runner: options.runner, model: this.model, stream: this.page, instructions: options.instructions ?? INSTRUCTIONS.chat, log,
    }));
    this.codeBlocks = new CodeBlocks(this.codeActions, this.page, log, 'Chat');
    this.images = new ChatImages(this);
    if (options.onDidChangeModels) this.register(options.onDidChangeModels(() => this.model.settingsChanged()));
    void this.model.ready.then(() => this.reportHistoryProblems());
  }

  /**
   * Shows the chat in the sidebar's view (or, in tests, in a panel adapted to a surface). The page is
   * created with the state, so while the history is still opening (the view shown as the extension
   * activates) it waits for it: opening the index takes less than the page's round trip to ask for it.
   */
  resolveWebviewView(view: WebviewSurface): void | Promise<void> {
    if (this.model.getActiveConversation()) {
      this.host.attach(view);
      return undefined;
    }
    let disposed = false;
    const watch = view.onDidDispose(() => { disposed = true; });
    return this.model.ready.then(() => {
      watch.dispose();
      if (!disposed && !this.isDisposed) this.host.attach(view);
    });
  }

  // --- entry points for commands (extension.ts registers them)

  /** reasoner.openChat: reveals the view; resolves to whether the composer got the focus. */
  async openChat(): Promise<boolean> {
    await this.reveal();
    return this.page.focusComposer();
  }

  /** reasoner.newChat: a fresh conversation (the current one is kept in the list). */
  async newChat(): Promise<Conversation> {
    await this.model.ready;
    if (this.activeConversation().turns.length > 0) {
      this.model.startNew();
      this.model.followCurrentModel();
    }
    await this.reveal();
    void this.page.focusComposer();
    return this.activeConversation();
  }

  /** reasoner.addSelectionToChat: the selection (or the symbol/line at the cursor) as a chip. */
  async addSelection(editor: vscode.TextEditor | undefined = this.codeActions.targetEditor()): Promise<ContextChip | undefined> {
    if (!editor) {
      this.page.notice('info', 'Open a file and select some code to add it to the chat.');
      return undefined;
    }
    return this.attachCode('selection', await codeFromEditor(editor));
  }

  /** Attaches the whole current file. */
  async addFile(editor: vscode.TextEditor | undefined = this.codeActions.targetEditor()): Promise<ContextChip | undefined> {
    if (!editor) {
      this.page.notice('info', 'Open a file to add it to the chat.');
      return undefined;
    }
    return this.attachCode('file', fileContext(editor.document));
  }

  /**
   * ChatBridge.sendPrompt, for other entry points (custom prompts with output "chat"):
   * a new turn of the active conversation (of a new one while the active one is busy).
   * Resolves to the answer's text, or undefined when it failed or was stopped before any text.
   */
  async sendPrompt(text: string, context: readonly CodeContext[] = [], modelId?: string): Promise<string | undefined> {
    await this.model.ready;
    if (this.model.isRunning()) this.model.startNew();
    void this.reveal();
    // Images waiting in the composer stay there: they were meant for the user's own next message.
    const turn = await this.send(text, { context, images: [], ...(modelId ? { modelId } : {}) });
    return turn.status === 'error' || turn.text.length === 0 ? undefined : turn.text;
  }

  /** ChatBridge.openConversation ("Open in Chat"): a copy of the conversation as a new chat, shown. Resolves to its id. */
  async openConversation(source: Conversation): Promise<string | undefined> {
    if (source.turns.length === 0) return undefined;
    const conversation = copyConversation(source);
    await this.model.adopt(conversation);
    await this.reveal();
    void this.page.focusComposer();
    return conversation.id;
  }

  /**
   * Sends a prompt in the active conversation; resolves with the answer once it ends (complete, stopped or failed).
   * Images for a model that cannot take them are refused (thrown) before anything changes.
   */
  async send(text: string, options: SendOptions = {}): Promise<AssistantTurn> {
    await this.model.ready;
    const conversation = this.activeConversation();
    if (this.model.isRunning(conversation.id)) throw new Error('A request is already running in this conversation; stop it first.');
    const composer = this.model.getComposer();
    const modelId = options.modelId ?? composer.modelId;
    const refusal = this.model.imageRefusal(modelId, options.images ?? this.model.getImages());
    if (refusal) throw new Error(refusal);
    const context = options.context ?? this.model.takeContexts();
    const images = options.images ?? this.model.takeImages();
    if (text.trim().length === 0 && context.length === 0 && images.length === 0) throw new Error('Nothing to send: the prompt is empty.');
    return this.turns.send(conversation, text, context, modelId, options.effort ?? composer.effort, images);
  }

  /** Shows a conversation in the view; false when it is gone. */
  async showConversation(id: string): Promise<boolean> {
    await this.model.ready;
    if (!(await this.model.switchTo(id))) return false;
    await this.reveal();
    return true;
  }

  /** The conversation is on screen now. */
  isShowing(conversationId: string): boolean {
    return this.host.visible && this.model.getActiveConversation()?.id === conversationId;
  }

  // --- internals

  private activeConversation(): Conversation {
    const active = this.model.getActiveConversation();
    if (!active) throw new Error('The chat history is still opening.');
    return active;
  }

  private async attachCode(kind: ContextKind, code: EditorCode): Promise<ContextChip | undefined> {
    const { context } = code;
    const tooLarge = context.code.length > MAX_CONTEXT_CHARS;
    if (tooLarge) {
      this.page.notice('warning', `${contextLabel(context)} is too large to attach (${context.code.length.toLocaleString()} characters). Select the part that matters.`);
    }
    const chip = tooLarge ? undefined : this.model.addContext(kind, context);
    if (chip && this.definitions) {
      const found = await this.definitions.attach(code.document, code.range, { source: 'chat', mayAsk: false });
      for (const definition of found ?? []) this.model.addContext('definition', definition.context);
    }
    await this.reveal();
    void this.page.focusComposer();
    return chip;
  }

  private async reveal(): Promise<void> {
    if (this.host.reveal()) return;
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`).then(undefined, (error: unknown) => {
      this.log.warn(`Chat: could not reveal the view: ${messageOf(error)}`);
    });
  }

  /** Files moved aside while opening the history: said once the view shows. */
  private reportHistoryProblems(): void {
    if (this.model.historyError) {
      this.page.notice('error', 'Chat history could not be read; new chats will not be saved until this is fixed. See the log.');
    }
    for (const warning of this.model.historyWarnings) this.page.notice('warning', warning);
  }
}
