/**
 * The one question the bench's standalone readers ask (stream-reader.ts through Reasoner's client, socket-reader.ts
 * on a bare socket), so that both send the same request for the simulator's next scripted answer.
 */
import { BUILT_IN_MODELS } from '../src/core/common/models';
import type { ReasoningRequest } from '../src/core/common/types';

export function readerRequest(): ReasoningRequest {
  const model = BUILT_IN_MODELS.find((candidate) => candidate.id === 'o3-mini')!;
  return { model, turns: [{ role: 'user', text: 'Explain the selection.' }], effort: 'medium', stream: true, reasoningSummary: false };
}
