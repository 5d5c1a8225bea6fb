/**
 * Bytes -> Server-Sent Events messages.
 *
 * Chunks may split anywhere, including inside a multi-byte UTF-8 character: a streaming
 * TextDecoder keeps the partial character, and eventsource-parser keeps the partial line
 * and event between chunks (comments, `id:` and `retry:` lines are handled there).
 */

import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseMessage {
  /** The `event:` field, if the server sent one. */
  readonly event?: string;
  readonly data: string;
}

/** The longest line (and event) the decoder keeps while waiting for its end: a stream that never ends a line cannot fill memory. */
export const MAX_SSE_LINE_CHARS = 1024 * 1024;

export interface SseDecoderOptions {
  /** Largest partial line/event kept between chunks (characters). Default MAX_SSE_LINE_CHARS. */
  readonly maxBufferSize?: number;
}

export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private failure: Error | undefined;

  constructor(private readonly onMessage: (message: SseMessage) => void, opts: SseDecoderOptions = {}) {
    this.parser = createParser({
      maxBufferSize: opts.maxBufferSize ?? MAX_SSE_LINE_CHARS,
      onEvent: (event) => this.onMessage(event.event === undefined ? { data: event.data } : { event: event.event, data: event.data }),
      onError: (error) => {
        // Unknown fields are harmless; an oversized buffer is not.
        if (error.type === 'max-buffer-size-exceeded') this.failure = error;
      },
    });
  }

  /** Feed raw bytes (any split). Throws if the stream broke the buffer bound. */
  push(chunk: Uint8Array): void {
    const text = this.decoder.decode(chunk, { stream: true });
    if (text !== '') this.parser.feed(text);
    if (this.failure) throw this.failure;
  }

  /** Feed already-decoded text (tests, fixtures). */
  pushText(text: string): void {
    this.parser.feed(text);
    if (this.failure) throw this.failure;
  }

  /**
   * The body ended. Flushes a trailing partial character; an event not terminated by a
   * blank line is dispatched too (servers often end the last event with a single newline).
   */
  end(): void {
    const rest = this.decoder.decode();
    if (rest !== '') this.parser.feed(rest);
    this.parser.feed('\n\n');
  }
}
