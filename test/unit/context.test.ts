import * as assert from 'node:assert/strict';
import {
  AUTO_BUDGET_MAX, AUTO_BUDGET_MIN, contextBudget, contextLogLine, dedupe, definitionContext, definitionsSentMarkdown, definitionTokens, DEFINITIONS_INTRO,
  folderDistance, identifierUses, selectDefinitions, type DefinitionCandidate,
} from '../../src/core/common/context';
import { contextLabel, isCodeContext } from '../../src/core/common/conversation';
import { renderTurn } from '../../src/core/common/requests';
import MarkdownIt from 'markdown-it';

function candidate(symbol: string, overrides: Partial<DefinitionCandidate> = {}): DefinitionCandidate {
  return {
    uri: `file:///w/src/${symbol}.ts`, fileName: `src/${symbol}.ts`, languageId: 'typescript', symbol,
    code: `export function ${symbol}() {}`, startLine: 1, endLine: 1, tier: 1, folderDistance: 0, firstUse: 0, ...overrides,
  };
}

describe('context: ranking, deduplication and the budget', () => {
  it('puts the code\'s own file first, then the workspace by folder distance, then declarations; within a rank, by first use', () => {
    const picked = selectDefinitions([
      candidate('declared', { tier: 2, firstUse: 0 }),
      candidate('far', { folderDistance: 3, firstUse: 1 }),
      candidate('laterNear', { firstUse: 40 }),
      candidate('earlyNear', { firstUse: 5 }),
      candidate('sameFile', { tier: 0, firstUse: 90 }),
    ], 10_000);
    assert.deepEqual(picked.chosen.map((c) => c.symbol), ['sameFile', 'earlyNear', 'laterNear', 'far', 'declared']);
  });

  it('keeps a range found through several names once, at its earliest use, and drops what a chosen definition contains', () => {
    const cart = candidate('Cart', { uri: 'file:///w/src/cart.ts', fileName: 'src/cart.ts', startLine: 3, endLine: 9, firstUse: 30 });
    const sameViaOtherName = { ...cart, symbol: 'Cart', firstUse: 12 };
    const member = candidate('items', { uri: 'file:///w/src/cart.ts', fileName: 'src/cart.ts', startLine: 4, endLine: 4, firstUse: 2 });
    const elsewhere = candidate('items', { uri: 'file:///w/src/other.ts', fileName: 'src/other.ts', startLine: 4, endLine: 4 });
    const unique = dedupe([cart, member, sameViaOtherName, elsewhere]);
    assert.deepEqual(unique.map((c) => `${c.fileName}:${c.startLine}@${c.firstUse}`), ['src/cart.ts:3@12', 'src/other.ts:4@0']);
  });

  it('stops at the budget: what does not fit stays home, a smaller one after it still goes', () => {
    const small = candidate('small', { firstUse: 0 });
    const huge = candidate('huge', { firstUse: 1, code: 'x'.repeat(4_000) });
    const after = candidate('after', { firstUse: 2 });
    const budget = definitionTokens(small) + definitionTokens(after);
    const picked = selectDefinitions([huge, after, small], budget);
    assert.deepEqual(picked.chosen.map((c) => c.symbol), ['small', 'after']);
    assert.deepEqual(picked.overBudget.map((c) => c.symbol), ['huge']);
    assert.equal(picked.tokens, budget);
    assert.deepEqual(selectDefinitions([small], definitionTokens(small) - 1).chosen, []);
  });

  it('sizes the automatic budget from the model window; 0 turns context off and a number is taken as it is', () => {
    assert.equal(contextBudget(null, 200_000), AUTO_BUDGET_MAX);
    assert.equal(contextBudget(undefined, 100_000), 5_000);
    assert.equal(contextBudget(null, 4_096), AUTO_BUDGET_MIN);
    assert.equal(contextBudget(0, 200_000), 0);
    assert.equal(contextBudget(1234, 200_000), 1234);
    assert.equal(contextBudget(-5, 100_000), 5_000);
  });

  it('measures folder distance between workspace paths', () => {
    assert.equal(folderDistance('src/a.ts', 'src/b.ts'), 0);
    assert.equal(folderDistance('src/a.ts', 'src/lib/b.ts'), 1);
    assert.equal(folderDistance('src/x/a.ts', 'test/b.ts'), 3);
  });
});

describe('context: the names asked about', () => {
  it('lists each name once at its first use, in order, without keywords or numbers', () => {
    const code = 'export function total(cart: Cart): number {\n  return cart.items.reduce((sum, item) => sum + price(item), 0) + 1e3;\n}';
    assert.deepEqual(identifierUses(code).map((use) => use.name), ['total', 'cart', 'Cart', 'items', 'reduce', 'sum', 'item', 'price']);
    const cart = identifierUses(code).find((use) => use.name === 'Cart')!;
    assert.equal(code.slice(cart.offset, cart.offset + 4), 'Cart');
    assert.equal(identifierUses('a1 b2 c3 d4', 2).length, 2);
  });
});

describe('context: how definitions are sent and shown', () => {
  const selection = { fileName: 'src/checkout.ts', languageId: 'typescript', code: 'checkout(cart)', startLine: 5, endLine: 5 };
  const helper = definitionContext(candidate('price', { fileName: 'src/pricing.ts', startLine: 3, endLine: 6, code: 'export function price(item: Item) {\n  return item.cents;\n}' }));
  const type = definitionContext(candidate('Cart', { fileName: 'src/types.ts', startLine: 1, endLine: 4, code: 'interface Cart { note: "```" }' }));

  it('sends the selection first, then each definition in a fence headed by its path and line range', () => {
    const text = renderTurn({ role: 'user', text: 'Explain this code.', context: [type, selection, helper] });
    const order = ['Explain this code.', 'File `src/checkout.ts`', DEFINITIONS_INTRO, 'Definition of `Cart`: `src/types.ts`, lines 1–4 (typescript):', 'Definition of `price`: `src/pricing.ts`, lines 3–6 (typescript):'];
    const at = order.map((piece) => text.indexOf(piece));
    assert.ok(at.every((index) => index >= 0), `${JSON.stringify(at)}\n${text}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at, text);
    assert.ok(text.includes('````typescript\ninterface Cart { note: "```" }\n````'), 'the fence is longer than any backtick run inside');
    assert.equal(text.split(DEFINITIONS_INTRO).length, 2, 'introduced once');
  });

  it('leaves a turn without definitions as it was', () => {
    assert.equal(renderTurn({ role: 'user', text: 'Q', context: [selection] }).includes(DEFINITIONS_INTRO), false);
  });

  it('labels a definition by file, lines and symbol, and keeps it through the history check', () => {
    assert.equal(contextLabel(helper), 'pricing.ts:3-6 · price');
    assert.equal(contextLabel({ ...helper, startLine: 3, endLine: 3 }), 'pricing.ts:3 · price');
    assert.equal(contextLabel(selection), 'checkout.ts:5');
    assert.ok(isCodeContext(helper));
    assert.equal(isCodeContext({ ...helper, symbol: 3 }), false);
  });

  it('lists what went along by file, lines and symbol, the code sent itself not among them; foreign names stay text', () => {
    assert.equal(definitionsSentMarkdown([selection, type, helper]), '*Definitions sent along:* `types.ts:1-4 · Cart` · `pricing.ts:3-6 · price`');
    assert.equal(definitionsSentMarkdown([selection]), '');
    const hostile = definitionContext(candidate('x` <img src=x onerror=alert(1)> [run](command:evil)', { fileName: 'src/`a`.ts', startLine: 2, endLine: 2 }));
    const html = new MarkdownIt({ html: true, linkify: true }).renderInline(definitionsSentMarkdown([hostile]));
    assert.doesNotMatch(html, /<img|<a /);
    assert.match(html, /<code>`a`\.ts:2 · x` &lt;img src=x onerror=alert\(1\)&gt; \[run\]\(command:evil\)<\/code>/);
  });

  it('writes the log line with counts, tokens and what was left out', () => {
    assert.equal(contextLogLine(2, 140, 37.6), '2 definitions, ~140 tokens, 38 ms');
    assert.equal(contextLogLine(1, 20, 300, { overBudget: 2, timedOut: true, left: 1 }), '1 definition, ~20 tokens, 300 ms (1 left out by the user, 2 over budget, time limit reached)');
  });
});
