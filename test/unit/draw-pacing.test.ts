/**
 * The pacing of a surface that redraws a whole streaming answer (inline comment threads): each draw costs in
 * proportion to the text drawn, so the wait between draws grows with it.
 */
import * as assert from 'node:assert/strict';
import { SHORTEST_DRAW_INTERVAL_MS, drawIntervalMs } from '../../src/core/common/drawPacing';

/** The characters drawn over a whole answer of `length` arriving at `charsPerSecond`, a comment showing at most `limit`. */
function charactersDrawn(length: number, charsPerSecond: number, interval: (shown: number) => number, limit = 100_000): { draws: number; characters: number } {
  let atMs = 0;
  let draws = 0;
  let characters = 0;
  for (;;) {
    atMs += interval(Math.min((charsPerSecond * atMs) / 1000, length, limit));
    const arrived = Math.min((charsPerSecond * atMs) / 1000, length);
    draws++;
    characters += Math.min(arrived, limit);
    if (arrived >= length) return { draws, characters };
  }
}

describe('drawing a streaming answer that is redrawn whole', () => {
  it('draws a short answer at the shortest interval, so that it streams smoothly', () => {
    assert.equal(drawIntervalMs(0), SHORTEST_DRAW_INTERVAL_MS);
    assert.equal(drawIntervalMs(2_000), SHORTEST_DRAW_INTERVAL_MS);
    assert.equal(drawIntervalMs(12_000), SHORTEST_DRAW_INTERVAL_MS);
  });

  it('waits longer as the answer grows: about a second at the 100,000 characters a comment shows', () => {
    assert.ok(drawIntervalMs(50_000) > SHORTEST_DRAW_INTERVAL_MS);
    assert.ok(drawIntervalMs(50_000) < drawIntervalMs(100_000));
    assert.equal(drawIntervalMs(100_000), 1_000);
  });

  it('draws a 20,000-delta answer (160,000 characters at 1,000 deltas a second) in a small multiple of its length, not its square', () => {
    const fixed = charactersDrawn(160_000, 8_000, () => SHORTEST_DRAW_INTERVAL_MS);
    const paced = charactersDrawn(160_000, 8_000, drawIntervalMs);
    assert.ok(fixed.characters / 160_000 > 60, `a fixed rate draws ${fixed.characters} characters`);
    assert.ok(paced.characters / 160_000 < 15, `paced draws ${paced.characters} characters in ${paced.draws} draws`);
    // Twice the answer costs about twice as much, not four times.
    const longer = charactersDrawn(320_000, 8_000, drawIntervalMs, 320_000);
    const shorter = charactersDrawn(160_000, 8_000, drawIntervalMs, 320_000);
    assert.ok(longer.characters / shorter.characters < 2.6, `${longer.characters} against ${shorter.characters}`);
  });
});
