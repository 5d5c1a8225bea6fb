/**
 * What each message from the chat page does: one handler per message type,
 * each receiving its own kind of message (the page's input has already been
 * checked by the protocol's guard in the webview host).
 */
import * as vscode from 'vscode';
import { promptFor } from '../../core/common/conversation';
import { bindAction } from '../../core/common/errorPresenter';
import type { Logger } from '../../core/common/logger';
import { plainMessage } from '../../core/common/plainMessage';
import type { WebviewMessage } from '../../core/common/protocol';
import type { ReasoningEffort } from '../../core/common/types';
import { runPresentedAction } from '../notify';
import { answerContentHandlers, type CodeBlocks } from '../webview/codeBlocks';
import type { MessageHandlers } from '../webview/webviewHost';
import { exportConversation } from './chatExport';
import type { ChatImages } from './chatImages';
import type { ChatModel } from './chatModel';
import type { ChatPage } from './chatPage';
import type { TurnRunner } from './turnRunner';

export type ChatHandlers = MessageHandlers<WebviewMessage>;

/** What the handlers act on; read when a message arrives, so it may be filled in after the table is made. */
export interface ChatParts {
  readonly model: ChatModel;
  readonly page: ChatPage;
  readonly turns: TurnRunner;
  readonly codeBlocks: CodeBlocks;
  readonly images: ChatImages;
  readonly log: Logger;
  send(text: string): Promise<unknown>;
  newChat(): Promise<unknown>;
  addSelection(): Promise<unknown>;
  addFile(): Promise<unknown>;
}

export function createChatHandlers(chat: ChatParts): ChatHandlers {
  /** The page's model choice, checked against the model list; an unknown id is refused and logged, the composer reset. */
  const acceptComposer = (modelId: string, effort: ReasoningEffort): boolean => {
    if (chat.model.setComposer(modelId, effort)) return true;
    chat.log.warn(`Chat: the page asked for a model that is not in the list (${JSON.stringify(modelId.slice(0, 80))}); ignored.`);
    chat.page.sendState();
    chat.page.notice('warning', 'That model is not available. Pick one from the list.');
    return false;
  };
  return {
    ready: async (message) => {
      await chat.model.ready;
      // The state about to be sent holds all text so far.
      chat.turns.discardPendingDeltas();
      chat.page.sendState(message.shown);
    },
    send: async (message) => {
      if (!acceptComposer(message.modelId, message.effort)) {
        chat.page.setDraft(message.text);
        return;
      }
      if (chat.model.isRunning()) {
        chat.page.setDraft(message.text);
        chat.page.notice('info', 'An answer is still running: stop it (Esc) or wait, then send again.');
        return;
      }
      if (message.text.trim().length === 0 && chat.model.getContexts().length === 0 && chat.model.getImages().length === 0) return;
      // Refused before anything is sent or changed: the images stay in the composer, the prompt goes back to it.
      const refusal = chat.model.imageRefusal(message.modelId);
      if (refusal) {
        chat.page.setDraft(message.text);
        chat.page.notice('warning', refusal);
        return;
      }
      const earlierImages = chat.model.getActiveConversation()?.turns.some((t) => t.role === 'user' && (t.images?.length ?? 0) > 0);
      if (earlierImages && !chat.model.takesImages(message.modelId)) {
        const label = chat.model.findModel(message.modelId)?.label ?? message.modelId;
        chat.page.notice('info', `${label} cannot take images: the images earlier in this chat are not sent with this message.`);
      }
      await chat.send(message.text);
    },
    stop: () => {
      const active = chat.model.getActiveConversation();
      if (active && chat.turns.stop(active.id)) void chat.page.focusComposer();
    },
    retry: async (message) => {
      // A prompt with images asked again of a text-only model is refused here, with what to do, not sent to fail.
      const conversation = await chat.model.find(message.conversationId);
      const prompt = conversation ? promptFor(conversation, message.turnId) : undefined;
      const refusal = chat.model.imageRefusal(chat.model.getComposer().modelId, prompt?.images ?? [], true);
      if (refusal) {
        chat.page.notice('warning', refusal);
        return;
      }
      await chat.turns.retry(message.conversationId, message.turnId);
    },
    action: async (message) => {
      const retry = () => chat.turns.retry(message.conversationId, message.turnId);
      if (message.action === 'retry') {
        await retry();
        return;
      }
      // A new model or effort reaches the composer before the answer runs again with it.
      await runPresentedAction(bindAction(message.action), () => {
        chat.model.settingsChanged();
        return retry();
      });
    },
    setComposer: (message) => { acceptComposer(message.modelId, message.effort); },
    addContext: (message) => (message.kind === 'selection' ? chat.addSelection() : chat.addFile()),
    removeContext: (message) => chat.model.removeContext(message.id),
    addImage: (message) => { chat.images.attachData(message.name, message.data); },
    removeImage: (message) => chat.model.removeImage(message.id),
    pickImages: () => chat.images.attachFiles(),
    newChat: () => chat.newChat(),
    switchConversation: async (message) => {
      if (!(await chat.model.switchTo(message.id))) {
        chat.page.notice('warning', 'That chat could not be opened (its file is missing or damaged); it was removed from the list.');
      }
    },
    renameConversation: (message) => chat.model.rename(message.id, message.title),
    deleteConversation: async (message) => {
      const summary = chat.model.getConversations().find((s) => s.id === message.id);
      if (!summary) return;
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the chat "{0}"?', plainMessage(summary.title)), { modal: true, detail: vscode.l10n.t('This cannot be undone.') }, 'Delete');
      if (choice === 'Delete') await chat.model.delete(message.id);
    },
    exportConversation: async (message) => {
      const conversation = await chat.model.find(message.id);
      if (conversation) await exportConversation(conversation, chat.page, chat.log);
    },
    ...answerContentHandlers(() => chat.codeBlocks),
  };
}
