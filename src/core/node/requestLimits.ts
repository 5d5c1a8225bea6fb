/**
 * The limits that keep a request from running forever: a total deadline for the whole call, and
 * a bound on the bytes a streamed answer may bring without any answer in them (keep-alive
 * comments, empty deltas), which would otherwise keep the between-bytes timeout from firing.
 */

import { ApiError } from '../common/errors';

/** Generous for o3-pro, which can think for many minutes, yet an end to a stream that never stops. */
export const DEFAULT_REQUEST_DEADLINE_MS = 60 * 60_000;

/** A gateway's keep-alive every 15 s would take days to send this much. */
export const DEFAULT_MAX_BYTES_WITHOUT_PROGRESS = 1024 * 1024;

/** setTimeout's longest delay; a deadline beyond it would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export function effectiveDeadlineMs(requested: number | undefined): number {
  return requested !== undefined && requested > 0 ? Math.min(requested, LONGEST_TIMER_MS) : DEFAULT_REQUEST_DEADLINE_MS;
}

export function deadlinePassed(ms: number, requestId: string | undefined): ApiError {
  return new ApiError({ kind: 'timeout', requestId, limit: { name: 'deadline', value: ms }, detail: `the request passed its deadline of ${ms} ms` });
}

export function noProgress(bytes: number, requestId: string | undefined): ApiError {
  return new ApiError({
    kind: 'protocol', requestId, limit: { name: 'no-progress', value: bytes }, actions: ['retry', 'checkConnection', 'openLog'],
    detail: `more than ${bytes} bytes of the stream brought no text, reasoning or tool call`,
  });
}

/**
 * A responses stream legitimately repeats the whole answer in the events that close it
 * (output_text.done, content_part.done, output_item.done, response.completed), at up to three
 * bytes a character, and the request's instructions and tools in the two that open it.
 */
const CLOSING_REPEATS = 4;
const BYTES_PER_CHAR = 3;
const OPENING_REPEATS = 2;

/** Counts the bytes of a stream since it last brought any answer. */
export class ProgressWatch {
  private bytes = 0;
  private answerChars = 0;

  /** `echoedChars`: what of the request the stream may repeat (its instructions and tools). */
  constructor(private readonly limit: number, private readonly echoedChars: number) {}

  /** One read of `bytes` after which the answer (text, reasoning, tool calls) has `answerChars`; false when it brought too much without any. */
  read(bytes: number, answerChars: number): boolean {
    if (answerChars > this.answerChars) {
      this.answerChars = answerChars;
      this.bytes = 0;
      return true;
    }
    this.bytes += bytes;
    const repeats = CLOSING_REPEATS * BYTES_PER_CHAR * this.answerChars + OPENING_REPEATS * BYTES_PER_CHAR * this.echoedChars;
    return this.bytes <= this.limit + repeats;
  }
}
