import type { JobRecord } from '../../core/common/jobs';
import type { JobPlaceHandler } from '../jobs/jobs';
import type { ChatViewProvider } from './chatViewProvider';

type ChatJob = JobRecord & { readonly place: { readonly kind: 'chat' } };

function isChatJob(job: JobRecord): job is ChatJob {
  return job.place.kind === 'chat';
}

/** A chat turn's background answer: fetched into the turn that waits for it, shown in its conversation. */
export function chatJobPlace(chat: ChatViewProvider): JobPlaceHandler {
  return {
    resume: (job) => (isChatJob(job) ? chat.turns.resumeJob(job) : Promise.resolve(false)),
    open: (job) => (isChatJob(job) ? chat.showConversation(job.place.conversationId) : Promise.resolve(false)),
    isShown: (job) => isChatJob(job) && chat.isShowing(job.place.conversationId),
  };
}
