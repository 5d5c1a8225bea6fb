/**
 * B1 stream throughput and B2 first-token overhead: Reasoner's client against the
 * official `openai` SDK, a raw undici read (the I/O floor) and the bare decode, split and
 * JSON.parse of the same bytes (the compute floor). The bytes are recorded once from the
 * gateway simulator and served from another process, so every reader gets the same stream.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { request as undiciRequest } from 'undici';
import { BUILT_IN_MODELS } from '../src/core/common/models';
import type { ReasoningRequest } from '../src/core/common/types';
import { ReasoningClient } from '../src/core/node/client';
import { start } from '../test/simulator/simulator';
import { figure, measure, round, type Figure } from './stats';

/** B2 is a fraction of a millisecond in a noisy measure: the median of at least this many pairs. */
const B2_PAIRS = 31;
/** B1's ratios move with whatever else runs on the machine: the median of at least this many runs (a run takes a quarter of a second). */
const B1_RUNS = 15;
const MODEL = BUILT_IN_MODELS.find((model) => model.id === 'o3-mini')!;
const REQUEST: ReasoningRequest = { model: MODEL, turns: [{ role: 'user', text: 'Stream a long answer.' }], effort: 'low', stream: true, reasoningSummary: false };
const BODY = JSON.stringify({ model: 'o3-mini', messages: [{ role: 'user', content: 'Stream a long answer.' }], stream: true });

interface Served { readonly baseUrl: string; readonly child: ChildProcess }

async function record(script: object): Promise<Buffer> {
  const sim = await start();
  try {
    sim.script(script);
    const { body } = await undiciRequest(`${sim.baseUrl}/chat/completions`, {
      method: 'POST', body: BODY, headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    });
    return Buffer.from(await body.arrayBuffer());
  } finally {
    await sim.close();
  }
}

async function serve(bytes: Buffer, delayMs = 0): Promise<Served> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-bench-')), 'body.sse');
  fs.writeFileSync(file, bytes);
  const child = fork(path.join(__dirname, 'static-server.js'), [file, 'text/event-stream', String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim()))));
  return { baseUrl: `http://127.0.0.1:${port}/v1`, child };
}

async function reasonerRead(client: ReasoningClient): Promise<{ ms: number; textChars: number; firstTextMs?: number }> {
  const started = performance.now();
  let textChars = 0;
  let firstTextMs: number | undefined;
  for await (const event of client.stream(REQUEST, undefined, 'bench')) {
    if (event.type === 'text') {
      firstTextMs ??= performance.now() - started;
      textChars += event.delta.length;
    }
    if (event.type === 'error') throw event.error;
  }
  return { ms: performance.now() - started, textChars, ...(firstTextMs !== undefined ? { firstTextMs } : {}) };
}

async function sdkRead(sdk: OpenAI): Promise<{ ms: number; textChars: number }> {
  const started = performance.now();
  let textChars = 0;
  const stream = await sdk.chat.completions.create({ model: 'o3-mini', messages: [{ role: 'user', content: 'Stream a long answer.' }], stream: true });
  for await (const chunk of stream) {
    textChars += chunk.choices[0]?.delta.content?.length ?? 0;
  }
  return { ms: performance.now() - started, textChars };
}

/** The answer's text length, to check that every reader got all of it. */
function answerTextLength(bytes: Buffer): number {
  let length = 0;
  for (const line of bytes.toString('utf8').split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string } }[] };
    length += chunk.choices?.[0]?.delta?.content?.length ?? 0;
  }
  return length;
}

async function rawRead(baseUrl: string): Promise<{ ms: number; bytes: number; firstByteMs: number }> {
  const started = performance.now();
  const { body } = await undiciRequest(`${baseUrl}/chat/completions`, {
    method: 'POST', body: BODY, headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
  });
  let bytes = 0;
  let firstByteMs = -1;
  for await (const chunk of body) {
    if (firstByteMs < 0) firstByteMs = performance.now() - started;
    bytes += (chunk as Buffer).length;
  }
  return { ms: performance.now() - started, bytes, firstByteMs };
}

/** The compute floor: decode, split into events and JSON.parse each, in the pieces the socket delivers. */
function computeFloor(bytes: Buffer): { ms: number; events: number } {
  const started = performance.now();
  const decoder = new TextDecoder();
  let buffer = '';
  let events = 0;
  for (let offset = 0; offset < bytes.length; offset += 16 * 1024) {
    buffer += decoder.decode(bytes.subarray(offset, offset + 16 * 1024), { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of block.split('\n')) {
        if (line.startsWith('data: ') && line !== 'data: [DONE]') {
          JSON.parse(line.slice(6));
          events++;
        }
      }
      end = buffer.indexOf('\n\n');
    }
  }
  return { ms: performance.now() - started, events };
}

export interface ClientResults {
  readonly b1: {
    readonly bytes: number; readonly chunks: number;
    readonly reasonerMBps: Figure; readonly sdkMBps: Figure; readonly rawMBps: Figure; readonly floorMBps: Figure;
    readonly vsSdk: Figure; readonly vsFloor: Figure; readonly vsRaw: Figure;
    /** Against the compute floor and the raw read together: what the client adds to the work no reader can skip. */
    readonly vsFloorAndRaw: Figure;
  };
  readonly b2: { readonly overheadMs: Figure; readonly reasonerFirstTextMs: Figure; readonly rawFirstByteMs: Figure };
}

export async function benchClient(runs: number): Promise<ClientResults> {
  // The agreed workload: about 5 MB of small chunks, as a model streams them (a few characters each, most of
  // every event being the chunk's JSON frame), so that the cost per event weighs as it does in use.
  const bytes = await record({ generateBytes: 250_000, deltaSize: 10, usage: { input: 10, output: 1000, reasoning: 0 } });
  const chunks = computeFloor(bytes).events;
  const textChars = answerTextLength(bytes);
  const served = await serve(bytes);
  const client = new ReasoningClient({ baseUrl: served.baseUrl, timeoutSeconds: 120, progressIntervalMs: 3_600_000, retry: { maxRetries: 0 } });
  const sdk = new OpenAI({ baseURL: served.baseUrl, apiKey: 'bench', maxRetries: 0 });
  const MB = bytes.length / 1e6;
  try {
    if (chunks < 20_000) throw new Error(`the workload has ${chunks} chunks, fewer than the agreed 20,000`);
    // Three warm-ups: on 5 MB the first reads still run in the interpreter, not the optimised code.
    const samples = await measure(Math.max(runs, B1_RUNS), 3, async (index) => {
      const times = { ours: 0, theirs: 0, raw: 0, floor: 0 };
      // Each ratio is taken within a run, so Reasoner's client reads next to the floor on one side and the SDK on the other.
      const readers: (() => Promise<void>)[] = [
        async () => { times.floor = computeFloor(bytes).ms; },
        async () => {
          const ours = await reasonerRead(client);
          if (ours.textChars !== textChars) throw new Error(`Reasoner's client lost text: ${ours.textChars} characters of ${textChars}`);
          times.ours = ours.ms;
        },
        async () => {
          const theirs = await sdkRead(sdk);
          if (theirs.textChars !== textChars) throw new Error(`the SDK lost text: ${theirs.textChars} characters of ${textChars}`);
          times.theirs = theirs.ms;
        },
        async () => { times.raw = (await rawRead(served.baseUrl)).ms; },
      ];
      // Whoever reads first or last may find the process warmer or colder: the order turns run by run.
      const order = index % 2 === 0 ? readers : [...readers].reverse();
      for (const read of order) await read();
      return times;
    });
    const small = await record({ text: 'First words arrive after the delay.', deltaSize: 6 });
    const delayed = await serve(small, 50);
    const delayedClient = new ReasoningClient({ baseUrl: delayed.baseUrl, timeoutSeconds: 30, progressIntervalMs: 3_600_000, retry: { maxRetries: 0 } });
    const firsts = await measure(Math.max(runs, B2_PAIRS), 2, async () => {
      const ours = await reasonerRead(delayedClient);
      const raw = await rawRead(delayed.baseUrl);
      return { ours: ours.firstTextMs ?? Number.NaN, raw: raw.firstByteMs };
    });
    await delayedClient.dispose();
    delayed.child.kill();
    return {
      b1: {
        bytes: bytes.length, chunks,
        reasonerMBps: figure(samples.map((s) => MB / (s.ours / 1000))),
        sdkMBps: figure(samples.map((s) => MB / (s.theirs / 1000))),
        rawMBps: figure(samples.map((s) => MB / (s.raw / 1000))),
        floorMBps: figure(samples.map((s) => MB / (s.floor / 1000))),
        vsSdk: figure(samples.map((s) => s.theirs / s.ours)),
        vsFloor: figure(samples.map((s) => s.ours / s.floor)),
        vsRaw: figure(samples.map((s) => s.ours / s.raw)),
        vsFloorAndRaw: figure(samples.map((s) => s.ours / (s.floor + s.raw))),
      },
      b2: {
        overheadMs: figure(firsts.map((f) => round(f.ours - f.raw, 3))),
        reasonerFirstTextMs: figure(firsts.map((f) => f.ours)),
        rawFirstByteMs: figure(firsts.map((f) => f.raw)),
      },
    };
  } finally {
    await client.dispose();
    served.child.kill();
  }
}
