/**
 * The two APIs' answers -> one stream of typed events ({@link StreamEvent}).
 *
 * Streamed (SSE messages) and non-streamed (one JSON document) answers give the same
 * events: `reasoning`/`text` deltas, then `usage` (once, when known), then exactly one
 * terminal `finish` or `error`. Unknown event types and extra fields are ignored.
 * One translator per API: chatTranslator.ts and responsesTranslator.ts; usage in usage.ts.
 */

import type { ModelApi } from '../common/types';
import { ChatTranslator } from './chatTranslator';
import { ResponsesTranslator } from './responsesTranslator';
import type { StreamTranslator, TranslatorContext } from './translator';

export { chatCompletionEvents, chatFinishReason } from './chatTranslator';
export { collectResponseOutput, responseEvents, responsesFinishReason, responseStatus } from './responsesTranslator';
export type { StreamTranslator, TranslatorContext } from './translator';
export { chatUsage, responsesUsage } from './usage';

export function createTranslator(api: ModelApi, ctx: TranslatorContext = {}): StreamTranslator {
  return api === 'chat' ? new ChatTranslator(ctx) : new ResponsesTranslator(ctx);
}
