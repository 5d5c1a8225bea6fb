import * as vscode from 'vscode';
import { addUserTurn, createConversation, startAssistantTurn } from '../../core/common/conversation';
import type { JobRecord } from '../../core/common/jobs';
import { runTurn } from '../../core/common/runTurn';
import type { ReasoningEffort } from '../../core/common/types';
import type { RequestRunner } from '../runner';
import type { ChatBridge } from '../chatBridge';
import type { JobPlaceHandler } from './jobs';

/**
 * Where a background answer goes when its own place is gone (the conversation deleted, the code
 * removed, the Compare Models tab closed) or cannot come back after a reload (a command's document):
 * it is fetched and opened in the chat as a conversation of its question and its answer.
 */
export function chatFallbackPlace(runner: RequestRunner, chat: ChatBridge): JobPlaceHandler {
  const opened = new Map<string, string>();
  return {
    async resume(job: JobRecord): Promise<boolean> {
      const conversation = createConversation(job.startedAt);
      addUserTurn(conversation, questionOf(job), [], job.startedAt);
      const turn = startAssistantTurn(conversation, { id: job.modelId, label: job.modelLabel }, job.effort as ReasoningEffort, job.startedAt);
      turn.jobId = job.id;
      await runTurn({
        runner, turn, signal: new AbortController().signal,
        request: { source: `jobs:${job.place.kind}`, modelId: job.modelId, effort: job.effort as ReasoningEffort, turns: [], resumeJob: job.id, job: { place: job.place, about: job.about } },
      });
      // Still waiting: the window closed while the job ran on, and the next one fetches it.
      if (turn.status === 'streaming') return true;
      const id = await chat.openConversation(conversation);
      if (id) opened.set(job.id, id);
      return true;
    },
    async open(job: JobRecord): Promise<boolean> {
      const id = opened.get(job.id);
      if (id && (await chat.showConversation(id))) return true;
      void vscode.window.showInformationMessage(vscode.l10n.t('This answer opens in the Reasoner chat when it arrives.'));
      return true;
    },
    isShown: () => false,
  };
}

function questionOf(job: JobRecord): string {
  return job.place.kind === 'chat' ? job.about : job.place.question;
}
