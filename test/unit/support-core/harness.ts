/** Shared pieces for the core client tests: a recording logger, request builders, a client factory. */

import * as assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/common/logger';
import { ReasoningClient, type ReasoningClientOptions } from '../../../src/core/node/client';
import { resolveModel, type ModelInfo } from '../../../src/core/common/models';
import type { ReasoningRequest, StreamEvent, Turn } from '../../../src/core/common/types';
import { start, type Simulator } from '../../simulator/simulator';
import { assertRecordedBodiesValid } from './openapi';

export const TEST_KEY = 'sk-test-Reasoner-0123456789abcdef';

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

export function model(id: string, userModels: readonly ModelInfo[] = []): ModelInfo {
  const found = resolveModel(id, userModels);
  assert.ok(found, `model ${id}`);
  return found;
}

export function request(modelId: string | ModelInfo, overrides: Partial<ReasoningRequest> = {}): ReasoningRequest {
  const turns: Turn[] = [{ role: 'user', text: 'What does this function return?' }];
  return {
    model: typeof modelId === 'string' ? model(modelId) : modelId,
    turns,
    effort: 'medium',
    stream: true,
    reasoningSummary: false,
    ...overrides,
  };
}

export interface RecordedSleep {
  readonly delays: number[];
  readonly sleep: NonNullable<ReasoningClientOptions['sleep']>;
}

/** A sleep that records the wait asked for and returns at once (still abortable). */
export function instantSleep(): RecordedSleep {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms, signal) => {
      delays.push(ms);
      if (signal.aborted) return Promise.reject(signal.reason);
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}

export function makeClient(sim: Simulator, overrides: Partial<ReasoningClientOptions> = {}): { client: ReasoningClient; logger: RecordingLogger } {
  const logger = new RecordingLogger();
  const client = new ReasoningClient({
    baseUrl: sim.baseUrl,
    apiKey: async () => TEST_KEY,
    timeoutSeconds: 30,
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
    background: { initialPollMs: 10, maxPollMs: 40 },
    logger,
    ...overrides,
  });
  return { client, logger };
}

/** Drain events, returning them all (for order/terminal assertions). */
export async function drain(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export function terminalEvents(events: readonly StreamEvent[]): StreamEvent[] {
  return events.filter((e) => e.type === 'finish' || e.type === 'error');
}

export function assertOneTerminalAtEnd(events: readonly StreamEvent[]): void {
  const terminals = terminalEvents(events);
  assert.equal(terminals.length, 1, `exactly one terminal event, got ${terminals.map((e) => e.type).join(',')}`);
  assert.equal(events[events.length - 1], terminals[0], 'the terminal event comes last');
}

/**
 * The hooks every client suite shares: one simulator for the suite, a fresh
 * client per test (disposed after it), and every body the simulator received
 * checked against the gateway's OpenAPI files. `assign` hands both to the suite.
 */
export function simulatorSuite(
  assign: (sim: Simulator, client: ReasoningClient) => void,
  clientOptions: () => Partial<ReasoningClientOptions> = () => ({}),
): void {
  const sim = suiteSimulator();
  let client: ReasoningClient;
  beforeEach(() => {
    ({ client } = makeClient(sim(), clientOptions()));
    assign(sim(), client);
  });
  afterEach(async () => {
    await client.dispose();
    assertRecordedBodiesValid(sim().requests);
  });
}

/** One simulator for the suite, reset before each test (before the suite's own beforeEach hooks); the result gives it. */
export function suiteSimulator(): () => Simulator {
  let sim: Simulator;
  before(async () => {
    sim = await start();
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());
  return () => sim;
}
