import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.openInChat: moves the thread's conversation to the chat sidebar. */
export function registerThreadOpenInChat(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadOpenInChat, async (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session || !services.chat) return undefined;
    const conversationId = await services.chat.importExchanges(session.exchanges.map((exchange) => ({
      question: exchange.question,
      context: exchange.context ?? [],
      answer: exchange.answer,
      modelId: exchange.modelId,
      effort: exchange.effort,
      status: exchange.status,
      ...(exchange.usage ? { usage: exchange.usage } : {}),
      elapsedMs: exchange.elapsedMs,
    })));
    return conversationId;
  });
}
