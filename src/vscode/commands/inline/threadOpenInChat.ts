import * as vscode from 'vscode';
import { addUserTurn, type Conversation, createConversation, startAssistantTurn } from '../../../core/common/conversation';
import { settleTurn } from '../../../core/common/turnReducer';
import type { InlineSession } from '../../inline/inlineThreads';
import type { Services } from '../../services';

/** reasoner.inline.openInChat: moves the thread's conversation to the chat sidebar. */
export function registerThreadOpenInChat(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.inline.openInChat', async (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session || !services.chat) return undefined;
    return services.chat.openConversation(threadConversation(session));
  });
}

/** The thread's exchanges as a conversation; an answer still running stays streaming (the chat's copy marks it). */
function threadConversation(session: InlineSession): Conversation {
  const conversation = createConversation();
  for (const exchange of session.exchanges) {
    addUserTurn(conversation, exchange.question, exchange.context ?? []);
    const answer = startAssistantTurn(conversation, { id: exchange.modelId ?? exchange.modelLabel, label: exchange.modelLabel }, exchange.effort, exchange.startedAt);
    if (exchange.status === 'running') {
      answer.text = exchange.answer;
      continue;
    }
    settleTurn(answer, {
      text: exchange.answer, reasoning: exchange.reasoning, usage: exchange.usage, finish: exchange.finish, notice: exchange.notice,
      error: exchange.error, stopped: exchange.status === 'cancelled', elapsedMs: exchange.elapsedMs,
    });
  }
  return conversation;
}
