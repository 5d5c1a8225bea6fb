import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { runToCompletion } from '../../src/core/node/answer';
import { start, type Simulator } from '../simulator/simulator';
import { makeClient, request, TEST_KEY } from './support-core/harness';

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Record<string, unknown>;
}

describe('simulator: scripting over HTTP (for tests driving it from another process)', function () {
  let sim: Simulator;

  before(async () => {
    sim = await start();
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('queues scripts, sets a default, reports requests (key masked) and closes, and resets', async () => {
    await post(`${sim.url}/__sim/script`, { scripts: [{ text: 'first over http' }], default: { text: 'the default' } });
    await post(`${sim.url}/__sim/script`, [{ status: 429, headers: { 'retry-after-ms': '1' } }]);
    const { client } = makeClient(sim);
    assert.equal((await runToCompletion(client, request('o1'))).text, 'first over http');
    const retried = await runToCompletion(client, request('o3-pro'));
    assert.equal(retried.text, 'the default', 'retried after the scripted 429, then the default');
    await client.dispose();

    const report = await (await fetch(`${sim.url}/__sim/requests`)).json() as { requests: { path: string; headers: Record<string, string>; body: { model: string } }[]; closes: unknown[] };
    assert.deepEqual(report.requests.map((r) => r.path), ['/v1/chat/completions', '/v1/responses', '/v1/responses']);
    assert.equal(report.requests[0].body.model, 'o1');
    assert.equal(report.requests[0].headers.authorization, `Bearer …${TEST_KEY.slice(-4)}`);
    assert.ok(report.closes.length >= 3);
    const revealed = await (await fetch(`${sim.url}/__sim/requests?reveal=1`)).json() as { requests: { headers: Record<string, string> }[] };
    assert.equal(revealed.requests[0].headers.authorization, `Bearer ${TEST_KEY}`);

    await post(`${sim.url}/__sim/reset`, { backgroundMode: '404' });
    assert.equal(sim.requests.length, 0);
    const health = await (await fetch(`${sim.url}/__sim/health`)).json() as { ok: boolean; backgroundMode: string; baseUrl: string };
    assert.deepEqual([health.ok, health.backgroundMode, health.baseUrl], [true, '404', sim.baseUrl]);
  });

  it('speaks like the gateway: 401 without a key, 400 for forbidden fields and the system role, 404 for unknown paths', async () => {
    const call = async (p: string, body: unknown, key = 'k') => fetch(`${sim.baseUrl}${p}`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(body),
    });
    assert.equal((await call('/chat/completions', { model: 'o1', messages: [] }, '')).status, 401);
    const maxTokens = await call('/chat/completions', { model: 'o1', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 });
    assert.equal(maxTokens.status, 400);
    assert.match(((await maxTokens.json()) as { error: { message: string } }).error.message, /max_tokens.*max_completion_tokens/);
    assert.equal((await call('/chat/completions', { model: 'o1', messages: [{ role: 'system', content: 'x' }] })).status, 400);
    assert.equal((await call('/responses', { model: 'openai/o3-pro', input: 'x', temperature: 1 })).status, 400);
    assert.equal((await call('/embeddings', { model: 'x' })).status, 404);
    const ok = await call('/responses', { model: 'openai/o3-pro', input: 'say hi' });
    const json = (await ok.json()) as { model: string; status: string; output: { type: string; content?: { text: string }[] }[] };
    assert.equal(json.model, 'o3-pro-2025-06-10', 'the snapshot, not the id sent');
    assert.equal(json.status, 'completed');
    assert.match(json.output.find((o) => o.type === 'message')?.content?.[0].text ?? '', /say hi/);
  });

  it('a script for one model waits in the queue for that model; others take the scripts behind it', async () => {
    sim.script({ forModel: 'o1', text: 'for o1' }, { text: 'for anyone' });
    const { client } = makeClient(sim);
    assert.equal((await runToCompletion(client, request('o3-mini'))).text, 'for anyone');
    assert.equal((await runToCompletion(client, request('o1'))).text, 'for o1');
    assert.match((await runToCompletion(client, request('o1'))).text, /o1/, 'the queue is empty again: the echo');
    await client.dispose();
  });

  it('the CLI prints the base URL and serves until stopped', async function () {
    this.timeout(10_000);
    const cli = path.resolve('out/test/simulator/cli.js');
    const child = spawn(process.execPath, [cli, '--port', '0', '--quiet', '--background', '405'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n')[0];
          if (out.includes('\n')) resolve(line.trim());
        });
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const health = await (await fetch(`${url.replace(/\/v1$/, '')}/__sim/health`)).json() as { backgroundMode: string };
      assert.equal(health.backgroundMode, '405');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
