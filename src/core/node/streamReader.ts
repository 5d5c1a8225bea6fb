/**
 * A streamed (SSE) answer body -> events, chunk by chunk, without accumulating it. The
 * `request` event goes out once the answer's id is known; `progress` keeps coming while no
 * bytes arrive (thinking) or between them (writing).
 *
 * The text deltas of one read are joined into one event (reasoning likewise, order kept): a
 * fast gateway packs dozens of chunks into a read, and handing each on through the generators
 * cost more than parsing them (npm run bench, B1).
 */

import { ApiError } from '../common/errors';
import type { BuiltRequest } from '../common/requests';
import type { StreamEvent } from '../common/types';
import type { Call } from './call';
import { MAX_SSE_LINE_CHARS, SseDecoder, type SseMessage } from './sse';
import { noProgress, ProgressWatch } from './requestLimits';
import { createTranslator } from './stream';
import { answerTooLarge, destroyBody, type Body, type Transport } from './transport';

/** Ends with a terminal event or throws. The body is always read to its end or destroyed. */
export async function* readStream(body: Body, built: BuiltRequest, call: Call, url: URL, transport: Transport): AsyncGenerator<StreamEvent, void, undefined> {
  const translator = createTranslator(built.api, call.toolCallContext());
  let pending: SseMessage[] = [];
  const decoder = new SseDecoder((message) => pending.push(message), { maxBufferSize: MAX_SSE_LINE_CHARS });
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let complete = false;
  let announced = false;
  let gotBytes = false;
  let received = 0;
  let answerChars = 0;
  const watch = new ProgressWatch(transport.maxBytesWithoutProgress, echoedChars(built));
  const announce = function* (): Generator<StreamEvent, void, undefined> {
    if (announced) return;
    announced = true;
    call.requestId ??= translator.responseId;
    yield { type: 'request', requestId: call.requestId, api: built.api, url: url.href };
  };
  if (call.requestId) yield* announce();
  try {
    while (!translator.done) {
      let next: IteratorResult<Buffer>;
      try {
        next = yield* call.waitFor(iterator.next(), () => (gotBytes ? `${call.label} is writing…` : `${call.label} is thinking…`));
      } catch (caught) {
        throw transport.failure(caught, call, url, gotBytes ? 'in the middle of the answer' : 'before the first byte of the answer');
      }
      const atEnd = next.done === true;
      const readBytes = next.done ? 0 : next.value.length;
      if (atEnd) {
        complete = true;
        decoder.end();
      } else {
        gotBytes = true;
        received += readBytes;
        try {
          decoder.push(next.value);
        } catch (caught) {
          throw new ApiError({ kind: 'protocol', requestId: call.requestId, cause: caught, detail: `one line of the stream passed ${MAX_SSE_LINE_CHARS / 1024} KiB without ending` });
        }
      }
      const messages = pending;
      pending = [];
      const batch: StreamEvent[] = [];
      for (const message of messages) {
        const events = translator.push(message, atEnd);
        for (const event of events) {
          answerChars += answerCharsOf(event);
          joinDelta(batch, event);
        }
        // Characters, not bytes: close enough for a bound that only has to stop a runaway answer.
        // Tool calls count while they arrive, before the translator hands them on whole.
        if (answerChars + translator.heldChars > transport.maxAnswerBytes) {
          const kept = batch.filter((event) => event.type === 'text' || event.type === 'reasoning');
          if (kept.length > 0) yield* announce();
          yield* call.emitFinal(kept);
          throw answerTooLarge(transport.maxAnswerBytes, call.requestId, true);
        }
        if (translator.done) break;
      }
      if (batch.length > 0) {
        yield* announce();
        yield* call.emitFinal(batch);
      }
      if (!atEnd && !translator.done && !watch.read(readBytes, answerChars + translator.heldChars)) {
        throw noProgress(transport.maxBytesWithoutProgress, call.requestId);
      }
      if (atEnd) {
        yield* announce();
        yield* call.emitFinal(translator.end());
        return;
      }
    }
  } finally {
    if (!complete) {
      if (translator.done && !call.aborted) {
        // The answer is complete; read the little that may follow ([DONE], chunk end) to keep the connection.
        // (undici's dump limit counts the bytes already read.)
        await body.dump({ limit: received + 64 * 1024, signal: AbortSignal.any([call.signal, AbortSignal.timeout(1000)]) }).catch(() => destroyBody(body));
      } else {
        destroyBody(body);
      }
    }
  }
}

/** What of the request a responses stream repeats in its opening events: the instructions and the tools. */
function echoedChars(built: BuiltRequest): number {
  const body = built.body as { instructions?: string; tools?: readonly unknown[] };
  return (body.instructions?.length ?? 0) + (body.tools ? JSON.stringify(body.tools).length : 0);
}

/** The characters an event adds to the answer: its text, or a tool call's name and arguments. */
function answerCharsOf(event: StreamEvent): number {
  if (event.type === 'text' || event.type === 'reasoning') return event.delta.length;
  return event.type === 'toolCall' ? event.call.name.length + event.call.arguments.length : 0;
}

/** Appends `event`, joined to the last one when both are deltas of the same kind. */
function joinDelta(batch: StreamEvent[], event: StreamEvent): void {
  const last = batch[batch.length - 1];
  if (last && (event.type === 'text' || event.type === 'reasoning') && last.type === event.type) {
    batch[batch.length - 1] = { type: event.type, delta: last.delta + event.delta };
  } else {
    batch.push(event);
  }
}
