/**
 * Streamed text and reasoning on their way to a page, gathered for a moment and handed on in one
 * message: the page redraws once per message, so a message per token costs more than it shows.
 * The chat and Compare Models batch alike, every {@link STREAMED_DELTA_INTERVAL_MS}.
 */

/** How long streamed text waits to go out with what follows it; one frame, so the page shows a token about 35 ms after it arrived (npm run bench, B3). */
export const STREAMED_DELTA_INTERVAL_MS = 16;

export class DeltaBatcher {
  private text = '';
  private reasoning = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (text: string, reasoning: string) => void) {}

  add(text: string, reasoning: string): void {
    this.text += text;
    this.reasoning += reasoning;
    this.timer ??= setTimeout(() => this.flush(), STREAMED_DELTA_INTERVAL_MS);
  }

  /** Hands on what waits now: before the turn's own update, so that the page has all the text first. */
  flush(): void {
    const { text, reasoning } = this;
    this.discard();
    if (text || reasoning) this.send(text, reasoning);
  }

  /** Drops what waits: the page is about to get the whole turn. */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.text = '';
    this.reasoning = '';
  }
}
