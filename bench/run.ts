/**
 * `npm run bench`: every figure is the median of counted runs after a warm-up, with min
 * and max; ratios are computed run by run in one process. Prints a table and writes
 * bench/results.json. Timings are reported, never asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchClient } from './client';
import { benchContext } from './context';
import { benchFootprint } from './footprint';
import { benchHistoryHeap, benchRendering } from './rendering';
import { round, type Figure } from './stats';
import { benchWorkbench } from './workbench';

const RUNS = Number(process.env.REASONER_BENCH_RUNS ?? 5);
const ROOT = path.join(__dirname, '..', '..');

interface Row { readonly name: string; readonly value: string; readonly range: string; readonly target: string; readonly met?: boolean }

const fmt = (f: Figure, digits = 2, unit = '') => ({ value: `${round(f.median, digits)}${unit}`, range: `${round(f.min, digits)}–${round(f.max, digits)}${unit}` });

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const rows: Row[] = [];
  const results: Record<string, Record<string, unknown>> = {};
  const started = Date.now();

  if (want('client')) {
    const { b1, b2 } = await benchClient(RUNS);
    results.b1 = { vsSdk: round(b1.vsSdk.median), vsFloor: round(b1.vsFloor.median), vsRaw: round(b1.vsRaw.median), bytes: b1.bytes, chunks: b1.chunks,
      reasonerMBps: round(b1.reasonerMBps.median), sdkMBps: round(b1.sdkMBps.median), rawMBps: round(b1.rawMBps.median), floorMBps: round(b1.floorMBps.median), detail: b1 };
    results.b2 = { overheadMs: round(b2.overheadMs.median, 3), detail: b2 };
    rows.push(
      { name: `B1 Reasoner client (${(b1.bytes / 1e6).toFixed(1)} MB, ${b1.chunks} chunks)`, ...fmt(b1.reasonerMBps, 1, ' MB/s'), target: '' },
      { name: 'B1 openai SDK', ...fmt(b1.sdkMBps, 1, ' MB/s'), target: '' },
      { name: 'B1 raw undici read (I/O floor)', ...fmt(b1.rawMBps, 1, ' MB/s'), target: '' },
      { name: 'B1 decode + split + JSON.parse (compute floor)', ...fmt(b1.floorMBps, 1, ' MB/s'), target: '' },
      { name: 'B1 vs SDK (throughput ratio)', ...fmt(b1.vsSdk, 2, '×'), target: '≥ 4×', met: b1.vsSdk.median >= 4 },
      { name: 'B1 vs compute floor (time ratio)', ...fmt(b1.vsFloor, 2, '×'), target: '≤ 1.2×', met: b1.vsFloor.median <= 1.2 },
      { name: 'B2 first-token overhead over raw undici', ...fmt(b2.overheadMs, 3, ' ms'), target: '≤ 1 ms', met: b2.overheadMs.median <= 1 },
    );
  }
  if (want('rendering')) {
    const b3 = await benchRendering(RUNS);
    results.b3 = { ratioAt5000: round(b3.ratioAt5000), growthExponent: round(b3.growthExponent, 3), openCodeBlockUpdateMs: round(b3.openCodeBlock.perUpdateMs.median), detail: b3 };
    for (const point of b3.points) {
      rows.push({ name: `B3 chat rendering, ${point.deltas} deltas: streamed / one-shot`, ...fmt(point.ratio, 2, '×'), target: point.deltas === 5000 ? '≤ 2×' : '', ...(point.deltas === 5000 ? { met: point.ratio.median <= 2 } : {}) });
    }
    rows.push({ name: 'B3 growth exponent (log time / log deltas)', value: String(round(b3.growthExponent, 3)), range: '', target: '≤ 1.15', met: b3.growthExponent <= 1.15 });
    const open = b3.openCodeBlock;
    rows.push({ name: `B3 ${open.bytes / 2 ** 20} MiB code block streamed unclosed, ${open.updates} updates: median update`, ...fmt(open.perUpdateMs, 2, ' ms'), target: '' });
  }
  if (want('footprint') || want('workbench')) {
    const sizes = benchFootprint();
    results.b4 = { vsixBytes: sizes.vsixBytes, extensionJsBytes: sizes.extensionJsBytes, webviewBytes: sizes.webviewBytes };
    rows.push(
      { name: 'B4 .vsix', value: `${round(sizes.vsixBytes / 1024, 1)} KB`, range: '', target: '≤ 300 KB', met: sizes.vsixBytes <= 300 * 1024 },
      { name: 'B4 dist/extension.js', value: `${round(sizes.extensionJsBytes / 1024, 1)} KB`, range: '', target: '' },
      { name: 'B4 webview bundle (script + styles)', value: `${round(sizes.webviewBytes / 1024, 1)} KB`, range: '', target: '' },
    );
  }
  if (want('workbench')) {
    const wb = await benchWorkbench(RUNS);
    const heapMB = await benchHistoryHeap(RUNS, wb.conversations);
    results.b4 = { ...results.b4, activationMs: round(wb.activationMs.median, 1), activationDetail: wb.activationMs };
    results.b5 = { firstPaintMs: round(wb.firstPaintMs.median, 1), heapMB: round(heapMB.median, 1), detail: { firstPaintMs: wb.firstPaintMs, heapMB, conversations: wb.conversations } };
    rows.push(
      { name: 'B4 activation (performance mark around activate)', ...fmt(wb.activationMs, 1, ' ms'), target: '≤ 30 ms', met: wb.activationMs.median <= 30 },
      { name: `B5 chat view, ${wb.conversations} conversations: first paint of the list`, ...fmt(wb.firstPaintMs, 1, ' ms'), target: '≤ 150 ms', met: wb.firstPaintMs.median <= 150 },
      { name: `B5 chat page heap, ${wb.conversations} conversations (page alone)`, ...fmt(heapMB, 1, ' MB'), target: '' },
    );
  }

  // Opt-in (`npm run bench -- context`) until its run in code-server is made reliable: the explain it drives has not yet logged its line there.
  if (only.includes('context')) {
    const b6 = await benchContext(RUNS);
    results.b6 = { gatherMs: round(b6.gatherMs.median, 1), definitions: b6.definitions.median, tokens: b6.tokens.median, foundWithin300Ms: b6.foundWithin300Ms.median, detail: b6 };
    rows.push(
      { name: 'B6 precise context: gathering 20 symbols across 10 files (TypeScript server, warm)', ...fmt(b6.gatherMs, 1, ' ms'), target: '≤ 300 ms', met: b6.gatherMs.median <= 300 },
      { name: 'B6 definitions found / tokens', value: `${b6.definitions.median} / ${b6.tokens.median}`, range: '', target: '20' , met: b6.definitions.median === 20 },
      { name: 'B6 definitions sent with the default 300 ms limit', ...fmt(b6.foundWithin300Ms, 0), target: '' },
    );
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${round(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.versions.node}, ${os.platform()} ${os.release()}`;
  const file = path.join(ROOT, 'bench', 'results.json');
  const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> : {};
  fs.writeFileSync(file, `${JSON.stringify({ ...previous, ...results, runs: RUNS, machine, date: new Date().toISOString() }, null, 2)}\n`);

  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = [`| figure | median | min–max | target |`, `|---|---|---|---|`,
    ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.range} | ${r.target}${r.met === undefined ? '' : r.met ? ' ✓' : ' ✗'} |`)];
  console.log(`\nReasoner benchmarks, ${RUNS} counted runs each after a warm-up (${Math.round((Date.now() - started) / 1000)} s)\n${machine}\n`);
  console.log(lines.join('\n'));
  console.log(`\nwrote ${path.relative(ROOT, file)} (${width > 0 ? rows.length : 0} figures)`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
