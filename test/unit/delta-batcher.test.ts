import * as assert from 'node:assert/strict';
import { DeltaBatcher } from '../../src/core/common/deltaBatcher';

describe('delta batcher: streamed text goes to a page in batches (chat and Compare Models alike)', () => {
  it('hands on the deltas that arrived together as one message, on its own', async () => {
    const sent: [string, string][] = [];
    const first = new Promise<void>((resolve) => {
      const batcher = new DeltaBatcher((text, reasoning) => { sent.push([text, reasoning]); resolve(); });
      batcher.add('It ', '');
      batcher.add('', 'Thinking. ');
      batcher.add('measures.', '');
    });
    await first;
    assert.deepEqual(sent, [['It measures.', 'Thinking. ']]);
  });

  it('flushes at once when asked, sends nothing empty, and drops what waits when discarded', async () => {
    const sent: [string, string][] = [];
    const batcher = new DeltaBatcher((text, reasoning) => sent.push([text, reasoning]));
    batcher.flush();
    batcher.add('a', '');
    batcher.flush();
    batcher.add('dropped', 'too');
    batcher.discard();
    batcher.add('b', '');
    batcher.flush();
    // Had discard or flush left a timer behind, it would send once more by the time this one fires.
    await new Promise<void>((resolve) => { new DeltaBatcher(() => resolve()).add('x', ''); });
    assert.deepEqual(sent, [['a', ''], ['b', '']]);
  });
});
