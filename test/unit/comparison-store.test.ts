import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_SAVED_COMPARISONS, type SavedComparison } from '../../src/core/common/compare';
import { createConversation, startAssistantTurn } from '../../src/core/common/conversation';
import type { Logger } from '../../src/core/common/logger';
import { ComparisonStore } from '../../src/core/node/comparisonStore';

function comparison(id: string, answer = 'Because the loop never ends.'): SavedComparison {
  const turn = startAssistantTurn(createConversation(1), { id: 'o3-mini', label: 'o3-mini' }, 'medium', 2);
  turn.text = answer;
  turn.status = 'complete';
  return {
    id,
    request: { question: 'Why does it hang?', context: [], modelIds: ['o3-mini'], effort: 'medium' },
    columns: [{ turn, kept: false }],
    savedAt: 3,
  };
}

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, error() {}, info() {}, debug() {}, warn: (message: string) => { warnings.push(message); } };
}

describe('ComparisonStore: the Compare Models tabs kept across reloads', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reasoner-compare-'));
    file = path.join(dir, 'comparisons.json');
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a kept comparison is read back by a new store (the next window), and a forgotten one is gone', async () => {
    const first = new ComparisonStore(file);
    await first.keep(comparison('a', 'first answer'));
    await first.keep(comparison('b'));
    await first.keep(comparison('a', 'second answer'));
    const next = new ComparisonStore(file);
    assert.deepEqual((await next.all()).map((saved) => saved.id), ['a', 'b'], 'most recently changed first');
    assert.equal((await next.get('a'))?.columns[0]?.turn.text, 'second answer', 'the newest state wins');
    await next.forget('a');
    assert.deepEqual((await new ComparisonStore(file).all()).map((saved) => saved.id), ['b']);
  });

  it(`keeps at most ${MAX_SAVED_COMPARISONS}, dropping the oldest`, async () => {
    const store = new ComparisonStore(file);
    for (let i = 0; i < MAX_SAVED_COMPARISONS + 3; i++) await store.keep(comparison(`c${i}`));
    const ids = (await new ComparisonStore(file).all()).map((saved) => saved.id);
    assert.equal(ids.length, MAX_SAVED_COMPARISONS);
    assert.equal(ids[0], `c${MAX_SAVED_COMPARISONS + 2}`);
    assert.ok(!ids.includes('c0') && !ids.includes('c2'));
  });

  it('a file that does not parse is moved aside, reported, and the store starts over', async () => {
    await fs.writeFile(file, '{"version":1,"comparisons":[{"id":');
    const log = recordingLog();
    const store = new ComparisonStore(file, log);
    assert.deepEqual(await store.all(), []);
    const names = await fs.readdir(dir);
    const aside = names.filter((name) => name.startsWith('comparisons.json.corrupt-'));
    assert.equal(aside.length, 1, names.join(', '));
    assert.equal(await fs.readFile(path.join(dir, aside[0]!), 'utf8'), '{"version":1,"comparisons":[{"id":', 'the unreadable file is kept as it was');
    assert.match(log.warnings.join('\n'), /could not be read .* moved to .*comparisons\.json\.corrupt-/);
    await store.keep(comparison('fresh'));
    assert.deepEqual((await new ComparisonStore(file).all()).map((saved) => saved.id), ['fresh']);
  });

  it('entries of the wrong shape are dropped, the rest kept', async () => {
    await fs.writeFile(file, JSON.stringify({ version: 1, comparisons: [comparison('good'), { id: '../../evil', savedAt: 1 }] }));
    assert.deepEqual((await new ComparisonStore(file).all()).map((saved) => saved.id), ['good']);
  });
});
