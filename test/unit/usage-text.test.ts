import * as assert from 'node:assert/strict';
import { formatUsd, usageLine, usageLogFields } from '../../src/core/common/usageText';

describe('usage text: tokens and money, written one way everywhere', () => {
  it('writes dollars with two significant digits below a cent, so that a real cost never reads as nothing', () => {
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(0.001), '$0.0010');
    assert.equal(formatUsd(0.0042), '$0.0042');
    assert.equal(formatUsd(0.000042), '$0.000042');
    assert.equal(formatUsd(0.01), '$0.01');
    assert.equal(formatUsd(12.345), '$12.35');
  });

  it('groups token counts, leaves out reasoning when there was none, and adds the cost when the gateway sent one', () => {
    assert.equal(usageLine({ inputTokens: 12_345, outputTokens: 300, reasoningTokens: 256, costUsd: 0.0021 }), '12,345 in · 300 out · 256 reasoning · $0.0021');
    assert.equal(usageLine({ inputTokens: 10, outputTokens: 20, reasoningTokens: 0 }), '10 in · 20 out');
  });

  it('gives the log the same facts as fields, the cost as the gateway sent it', () => {
    assert.equal(usageLogFields({ inputTokens: 12_345, outputTokens: 300, reasoningTokens: 256, costUsd: 0.00213 }), 'in=12345 out=300 reasoning=256 cost=$0.00213');
    assert.equal(usageLogFields({ inputTokens: 1, outputTokens: 2, reasoningTokens: 0 }), 'in=1 out=2 reasoning=0');
  });
});
