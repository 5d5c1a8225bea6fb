/**
 * A simulated AI/ML API gateway: a real HTTP server on 127.0.0.1 that speaks the contract
 * (/shared/API-CONTRACT.md) for both endpoints, under a base path (default /v1):
 *
 *   POST {base}/chat/completions        streamed (SSE) or JSON
 *   POST {base}/responses               streamed (SSE), JSON, or background (queued + polling)
 *   GET  {base}/responses/{id}          poll a background response (404/405 when background is off)
 *   POST {base}/responses/{id}/cancel   cancel it
 *
 * Each answer request takes the next script from a queue, else the default script; with no
 * script at all it echoes (names the model, quotes the last user message). Scripts are JSON
 * ({@link SimScript}) and can be set from this module or over HTTP:
 *
 *   POST /__sim/script   {"scripts":[…], "default":{…}|null, "replace":false} or a script or an array
 *   GET  /__sim/requests {"requests":[…], "closes":[…]}   (?reveal=1 shows authorization)
 *   POST /__sim/reset    clears queue, default, records, jobs; optional {"backgroundMode":"on"|"404"|"405"}
 *   POST /__sim/config   {"backgroundMode", "apiKey": string|null, "strict": bool}
 *   POST /__sim/finish-jobs   background jobs held by a script's `holdJobs` finish at their next poll
 *   GET  /__sim/health   {"ok":true,"baseUrl":…}
 *
 * Module use:
 *   const sim = await start({ port: 0 });
 *   sim.script({ text: 'Hello', usage: { input: 10, output: 40, reasoning: 32 } });
 *   // … point the client at sim.baseUrl …
 *   sim.requests[0].body; sim.closes; await sim.close();
 */

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import {
  chatCompletionJson, chatStream, errorBody, finalResponseStatus, resolveAnswer, responseJson, responsesStream,
  type SseEvent,
} from './answers';
import { demoScript } from './demo';
import { withEchoes } from './echo';
import { endlessStream } from './endless';
import { compileRequestValidators, requestBodyProblem } from './openapi';
import type { BackgroundMode, SimCloseRecord, SimErrorShape, SimRequestRecord, SimScript } from './types';

export type { BackgroundMode, SimAnswer, SimCloseRecord, SimErrorShape, SimRequestRecord, SimScript } from './types';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default "/v1". */
  readonly basePath?: string;
  /** Only this key is accepted (401 otherwise). Default: any non-empty bearer key. */
  readonly apiKey?: string;
  /** Background polling support. Default "on". */
  readonly backgroundMode?: BackgroundMode;
  /**
   * Refuse forbidden fields (max_tokens, temperature, …, role "system") with 400 like the real models,
   * and any other break of the model's OpenAPI request schema with a 400 that quotes it; every such
   * request is also noted for {@link takeRequestViolations}. Default true.
   */
  readonly strict?: boolean;
  /** One line per request, for the CLI. */
  readonly log?: (line: string) => void;
  /** Serve https with this key and certificate (PEM) instead of plain http. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** The host name in `url`/`baseUrl` (e.g. one only a proxy resolves). Default: the listening host. */
  readonly publicHost?: string;
  /**
   * With no script queued and no default, answer like a model would (demo.ts) instead of
   * echoing: for the try-it sandbox. Tests keep their scripts and the echo.
   */
  readonly demo?: boolean;
  /**
   * Keep background jobs in this JSON file: a simulator started again with the same file still
   * knows them (and their polls), like the gateway after a client's restart. Default: memory only.
   */
  readonly stateFile?: string;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** url + base path: what the client's baseUrl should be. */
  readonly baseUrl: string;
  readonly port: number;
  /** Every API request received, in order (control requests excluded). Live array. */
  readonly requests: SimRequestRecord[];
  /** Every response's connection close, in order. Live array. */
  readonly closes: SimCloseRecord[];
  /** Queue scripts for the next answer requests (in order). */
  script(...scripts: SimScript[]): void;
  /** The script used when the queue is empty (undefined: echo). */
  setDefault(script: SimScript | undefined): void;
  configure(opts: { backgroundMode?: BackgroundMode; apiKey?: string | null; strict?: boolean }): void;
  /** Clear the queue, the default script, the records and background jobs; back to the start options. */
  reset(): void;
  /** Background jobs held by `holdJobs` finish at their next poll. */
  finishJobs(): void;
  /** Ids of the background jobs the simulator knows (running or ended). */
  readonly jobIds: readonly string[];
  /** Resolves when the response to request `index` has closed (rejects after `timeoutMs`). */
  waitForClose(index: number, timeoutMs?: number): Promise<SimCloseRecord>;
  /** Resolves when at least `count` requests arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Number of open TCP connections. */
  readonly openConnections: number;
  close(): Promise<void>;
}

interface Job {
  readonly id: string;
  readonly script: SimScript;
  readonly body: unknown;
  readonly created: number;
  polls: number;
  cancelled: boolean;
  /** `finishJobs()` let a held job end. */
  released?: boolean;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const VIOLATIONS = Symbol.for('reasoner.simulator.requestViolations');

/** Shared by every copy of this module (each test file is bundled with its own). */
function violationList(): string[] {
  const holder = globalThis as { [VIOLATIONS]?: string[] };
  return (holder[VIOLATIONS] ??= []);
}

/**
 * The answer requests that broke the contract (a forbidden field, the system role, the model's
 * OpenAPI request schema) at any strict simulator since the last call, and forgets them. The
 * integration suite asks after every test, so a bad body fails the test that made it be sent.
 */
export function takeRequestViolations(): string[] {
  return violationList().splice(0);
}

/** For a root afterEach hook: fails, naming the test, when it made anything send a request that breaks the contract. */
export function assertNoRequestViolations(testTitle: string | undefined): void {
  const violations = takeRequestViolations();
  if (violations.length > 0) throw new Error(`${testTitle ?? 'a test'} sent ${violations.length} request(s) that break the contract:\n${violations.join('\n')}`);
}

const FORBIDDEN = ['max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias'];

/** Jobs kept by an earlier simulator with the same state file (none when there is no file yet). */
function loadJobs(stateFile: string | undefined): Map<string, Job> {
  const jobs = new Map<string, Job>();
  if (!stateFile || !fs.existsSync(stateFile)) return jobs;
  for (const job of JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Job[]) jobs.set(job.id, job);
  return jobs;
}

function delay(ms: number, closed: Promise<void>): Promise<boolean> {
  // true when the delay ran out, false when the connection closed first
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    void closed.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

export async function start(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const basePath = (opts.basePath ?? '/v1').replace(/\/+$/, '');
  const requests: SimRequestRecord[] = [];
  const closes: SimCloseRecord[] = [];
  const queue: { script: SimScript; left: number }[] = [];
  const jobs = loadJobs(opts.stateFile);
  const saveJobs = (): void => {
    if (opts.stateFile) fs.writeFileSync(opts.stateFile, JSON.stringify([...jobs.values()]));
  };
  const sockets = new Set<Socket>();
  const closeWaiters: (() => void)[] = [];
  let defaultScript: SimScript | undefined;
  let backgroundMode: BackgroundMode = opts.backgroundMode ?? 'on';
  let requiredKey: string | undefined = opts.apiKey;
  let strict = opts.strict ?? true;
  let counter = 0;
  const log = opts.log ?? (() => undefined);
  compileRequestValidators();

  const notify = (): void => {
    for (const waiter of closeWaiters.splice(0)) waiter();
  };

  function nextScript(streaming: boolean, body: { model?: unknown }): { script: SimScript; refuse: boolean } {
    const index = queue.findIndex((entry) => entry.script.forModel === undefined || entry.script.forModel === body.model);
    const head = queue[index];
    if (head) {
      if (head.script.refuseStream && streaming) return { script: head.script, refuse: true };
      head.left--;
      if (head.left <= 0) queue.splice(index, 1);
      return { script: head.script, refuse: false };
    }
    const fallback = defaultScript ?? (opts.demo ? demoScript(body) : {});
    return { script: fallback, refuse: fallback.refuseStream === true && streaming };
  }

  function enqueue(scripts: SimScript[]): void {
    for (const script of scripts) queue.push({ script, left: Math.max(1, script.times ?? 1) });
  }

  function finishJobs(): void {
    for (const job of jobs.values()) job.released = true;
    saveJobs();
  }

  function reset(): void {
    queue.length = 0;
    defaultScript = undefined;
    requests.length = 0;
    closes.length = 0;
    jobs.clear();
    saveJobs();
    backgroundMode = opts.backgroundMode ?? 'on';
    requiredKey = opts.apiKey;
    strict = opts.strict ?? true;
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void handle(req, res).catch((error: unknown) => {
      log(`simulator error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'simulator bug', type: 'server_error', param: null, code: null } }));
      } else {
        res.destroy();
      }
    });
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest) : http.createServer(onRequest);
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  });

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function sendJson(res: http.ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(json);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function sendError(res: http.ServerResponse, record: SimRequestRecord | undefined, status: number, shape: SimErrorShape, fields: { message?: string; code?: string; type?: string; param?: string; headers?: Record<string, string>; raw?: string; contentType?: string }, requestId: string | undefined, bodyRequestId = requestId): void {
    const body = errorBody(status, shape, { ...fields, path: record?.path ?? '', requestId: bodyRequestId ?? 'none' });
    const headers: Record<string, string | number> = { ...(requestId ? { 'x-request-id': requestId } : {}), ...fields.headers };
    if (body.contentType) headers['content-type'] = body.contentType;
    headers['content-length'] = Buffer.byteLength(body.text);
    if (record) record.status = status;
    res.writeHead(status, headers);
    res.end(body.text);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const bodyText = await readBody(req);
    let body: unknown;
    try {
      body = bodyText === '' ? undefined : JSON.parse(bodyText);
    } catch {
      body = undefined;
    }

    if (url.pathname.startsWith('/__sim/')) {
      handleControl(url, req.method ?? 'GET', body, res);
      return;
    }

    const path = url.pathname;
    const rel = path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
    const method = req.method ?? 'GET';
    const pollMatch = rel ? /^\/responses\/([^/]+)$/.exec(rel) : null;
    const cancelMatch = rel ? /^\/responses\/([^/]+)\/cancel$/.exec(rel) : null;
    const route: SimRequestRecord['route'] =
      rel === '/chat/completions' && method === 'POST' ? 'chat'
        : rel === '/responses' && method === 'POST' ? 'responses'
          : pollMatch ? 'poll'
            : cancelMatch && method === 'POST' ? 'cancel'
              : 'unknown';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value ?? '';
    const record: SimRequestRecord = {
      index: requests.length, method, path, route, headers, bodyText, ...(body !== undefined ? { body } : {}),
      receivedAt: Date.now(), remotePort: req.socket.remotePort ?? 0,
    };
    requests.push(record);
    const requestId = `sim-req-${++counter}`;
    let bytesWritten = 0;
    const closed = new Promise<void>((resolve) => {
      res.on('close', () => {
        closes.push({ requestIndex: record.index, at: Date.now(), completed: res.writableFinished, bytesWritten });
        notify();
        resolve();
      });
    });
    notify();
    log(`${method} ${path} ${route}${isRecord(body) && typeof body.model === 'string' ? ` model=${body.model}` : ''}${isRecord(body) && body.stream === true ? ' stream' : ''}`);

    // Auth, as the gateway does it.
    const auth = headers.authorization ?? '';
    const key = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    if (!key || (requiredKey !== undefined && key !== requiredKey)) {
      sendError(res, record, 401, 'openai', {}, requestId);
      return;
    }

    if (route === 'poll' || route === 'cancel') {
      const id = decodeURIComponent((pollMatch ?? cancelMatch)![1]);
      if (backgroundMode !== 'on') {
        const status = backgroundMode === '405' ? 405 : 404;
        sendError(res, record, status, 'gateway', { message: `Cannot ${method} ${path}` }, requestId);
        return;
      }
      if (route === 'poll' && method !== 'GET') {
        sendError(res, record, 405, 'gateway', { message: `Cannot ${method} ${path}` }, requestId);
        return;
      }
      const job = jobs.get(id);
      if (!job) {
        sendError(res, record, 404, 'openai', { message: `No response found with id '${id}'.`, code: 'not_found' }, requestId);
        return;
      }
      const answer = resolveAnswer(job.script, job.body);
      if (route === 'cancel') {
        job.cancelled = true;
        saveJobs();
        record.status = 200;
        sendJson(res, 200, responseJson(answer, job.script, job.body, { id, created: job.created, status: 'cancelled', withOutput: false }), { 'x-request-id': requestId });
        return;
      }
      job.polls++;
      saveJobs();
      const held = (job.script.holdJobs === true && !job.released)
        || (job.script.backgroundMs !== undefined && Date.now() - job.created * 1000 < job.script.backgroundMs);
      const done = job.script.endless !== 'in-progress' && !held && job.polls >= (job.script.pollsBeforeDone ?? 2);
      const status = job.cancelled ? 'cancelled' : done ? finalResponseStatus(job.script) : job.polls === 1 ? 'queued' : 'in_progress';
      const finished = status !== 'queued' && status !== 'in_progress' && status !== 'cancelled';
      record.status = 200;
      sendJson(res, 200, responseJson(answer, job.script, job.body, { id, created: job.created, status, withOutput: finished }), { 'x-request-id': requestId });
      return;
    }

    if (route === 'unknown') {
      sendError(res, record, 404, 'gateway', { message: `Cannot ${method} ${path}` }, requestId);
      return;
    }

    // An answer request: validate like the gateway and the models do.
    if (!isRecord(body)) {
      sendError(res, record, 400, 'openai', { message: 'We could not parse the JSON body of your request.', code: 'invalid_json' }, requestId);
      return;
    }
    if (typeof body.model !== 'string' || body.model === '') {
      sendError(res, record, 400, 'openai', { message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' }, requestId);
      return;
    }
    if (strict) {
      const problem = requestBodyProblem(route, body);
      if (problem) violationList().push(`${method} ${path}: ${problem}`);
      const bad = FORBIDDEN.find((field) => field in body);
      if (bad) {
        const hint = bad === 'max_tokens' ? ` Use '${route === 'chat' ? 'max_completion_tokens' : 'max_output_tokens'}' instead.` : '';
        sendError(res, record, 400, 'openai', { message: `Unsupported parameter: '${bad}' is not supported with this model.${hint}`, param: bad, code: 'unsupported_parameter' }, requestId);
        return;
      }
      const list = route === 'chat' ? body.messages : body.input;
      if (Array.isArray(list) && list.some((m) => isRecord(m) && m.role === 'system')) {
        sendError(res, record, 400, 'openai', { message: "Unsupported value: 'messages[0].role' does not support 'system' with this model.", param: 'messages[0].role', code: 'unsupported_value' }, requestId);
        return;
      }
      if (route === 'responses' && 'stream_options' in body) {
        sendError(res, record, 400, 'openai', { message: "Unknown parameter: 'stream_options'.", param: 'stream_options', code: 'unknown_parameter' }, requestId);
        return;
      }
      if (problem) {
        sendError(res, record, 400, 'openai', { message: `The request body breaks the model's schema: ${problem}`, type: 'invalid_request_error', code: 'invalid_request_body' }, requestId);
        return;
      }
    }

    const streaming = body.stream === true;
    const { script: scripted, refuse } = nextScript(streaming, body);
    const script = withEchoes(scripted, auth);
    const rid = script.noRequestId ? undefined : requestId;

    if (script.fault === 'reset-before-headers') {
      req.socket.resetAndDestroy();
      return;
    }
    if (script.headersDelayMs && !(await delay(script.headersDelayMs, closed))) return;
    if (refuse) {
      sendError(res, record, 400, 'openai', { message: "Unsupported value: 'stream' does not support true with this model. Supported values are: false.", param: 'stream', code: 'unsupported_value' }, rid);
      return;
    }
    if (script.status !== undefined && script.status >= 300 && script.status < 400) {
      record.status = script.status;
      res.writeHead(script.status, { ...(rid ? { 'x-request-id': rid } : {}), 'content-length': 0, ...script.headers });
      res.end();
      return;
    }
    if (script.status !== undefined && script.status >= 400) {
      sendError(res, record, script.status, script.errorShape ?? 'openai', script, rid, requestId);
      return;
    }

    const created = Math.floor(Date.now() / 1000);
    const answer = resolveAnswer(script, body);
    const extraHeaders = { ...(rid ? { 'x-request-id': rid } : {}), ...script.headers };

    // Background: queued at once, finished by polling.
    if (route === 'responses' && body.background === true && script.raw === undefined) {
      const id = `resp_sim${String(counter).padStart(6, '0')}${Math.random().toString(16).slice(2, 10)}`;
      jobs.set(id, { id, script, body, created, polls: 0, cancelled: false });
      saveJobs();
      record.status = 200;
      sendJson(res, 200, responseJson(answer, script, body, { id, created, status: 'queued', withOutput: false }), extraHeaders);
      return;
    }

    let events: Iterable<SseEvent>;
    let contentType: string;
    if (script.raw !== undefined) {
      events = [{ text: script.raw, hasText: true }];
      contentType = script.contentType ?? (streaming ? 'text/event-stream; charset=utf-8' : 'application/json');
    } else if (streaming) {
      contentType = 'text/event-stream; charset=utf-8';
      const id = route === 'chat' ? `chatcmpl-sim${counter}` : `resp_sim${String(counter).padStart(6, '0')}`;
      events = script.endless && script.endless !== 'in-progress' ? endlessStream(route, answer, script.endless, id, created)
        : route === 'chat' ? chatStream(answer, script, body, id, created) : responsesStream(answer, script, body, id, created);
    } else {
      contentType = 'application/json';
      const json = route === 'chat'
        ? chatCompletionJson(answer, `chatcmpl-sim${counter}`, created)
        : responseJson(answer, script, body, { id: `resp_sim${String(counter).padStart(6, '0')}`, created, status: finalResponseStatus(script), withOutput: true });
      events = [{ text: JSON.stringify(json), hasText: true }];
    }

    record.status = 200;
    res.writeHead(200, {
      'content-type': contentType,
      ...(streaming ? { 'cache-control': 'no-cache' } : {}),
      ...extraHeaders,
    });
    res.flushHeaders();
    if (script.firstByteDelayMs && !(await delay(script.firstByteDelayMs, closed))) return;

    let isClosed = false;
    void closed.then(() => {
      isClosed = true;
    });
    let faultAt = script.faultAfterBytes;
    const midFault = script.fault === 'reset' || script.fault === 'stall' || script.fault === 'close' ? script.fault : undefined;
    let produced = 0;
    const bytes = function* (): Iterable<Buffer> {
      for (const event of events) {
        const buf = Buffer.from(event.text, 'utf8');
        produced += buf.length;
        if (midFault && faultAt === undefined && event.hasText) faultAt = produced;
        yield buf;
      }
    };
    const write = async (buf: Buffer): Promise<boolean> => {
      if (isClosed || res.destroyed) return false;
      bytesWritten += buf.length;
      if (!res.write(buf)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            resolve();
          };
          res.on('drain', done);
          void closed.then(done);
        });
      }
      return !isClosed;
    };
    const doFault = async (): Promise<void> => {
      if (midFault === 'reset') {
        // give the written bytes a moment to leave before the reset
        await delay(20, closed);
        res.socket?.resetAndDestroy();
      } else if (midFault === 'close') {
        res.end();
      } else {
        await closed; // stall: say nothing more until the client gives up
      }
    };
    let first = true;
    for (const piece of rechunk(bytes(), script)) {
      if (!first && script.chunkDelayMs && !(await delay(script.chunkDelayMs, closed))) return;
      first = false;
      let buf = piece;
      if (midFault && faultAt !== undefined && bytesWritten + buf.length >= faultAt) {
        buf = buf.subarray(0, Math.max(0, faultAt - bytesWritten));
        if (buf.length > 0 && !(await write(buf))) return;
        await doFault();
        return;
      }
      if (!(await write(buf))) return;
    }
    if (midFault && !isClosed) {
      await doFault();
      return;
    }
    if (!isClosed) res.end();
  }

  function handleControl(url: URL, method: string, body: unknown, res: http.ServerResponse): void {
    const action = url.pathname.slice('/__sim/'.length);
    if (action === 'health') {
      sendJson(res, 200, { ok: true, baseUrl: sim.baseUrl, queued: queue.length, backgroundMode });
      return;
    }
    if (action === 'requests' && method === 'GET') {
      const reveal = url.searchParams.get('reveal') === '1';
      const list = requests.map((r) => {
        if (reveal || !r.headers.authorization) return r;
        const auth = r.headers.authorization;
        return { ...r, headers: { ...r.headers, authorization: `${auth.slice(0, 7)}…${auth.slice(-4)}` } };
      });
      sendJson(res, 200, { requests: list, closes });
      return;
    }
    if (action === 'script' && method === 'POST') {
      if (Array.isArray(body)) enqueue(body as SimScript[]);
      else if (isRecord(body) && ('scripts' in body || 'default' in body || 'replace' in body)) {
        if (body.replace === true) queue.length = 0;
        if (Array.isArray(body.scripts)) enqueue(body.scripts as SimScript[]);
        if ('default' in body) defaultScript = isRecord(body.default) ? (body.default as SimScript) : undefined;
      } else if (isRecord(body)) enqueue([body as SimScript]);
      else {
        sendJson(res, 400, { error: { message: 'Send a script object, an array of scripts, or {scripts, default, replace}.' } });
        return;
      }
      sendJson(res, 200, { ok: true, queued: queue.length, hasDefault: defaultScript !== undefined });
      return;
    }
    if (action === 'finish-jobs' && method === 'POST') {
      finishJobs();
      sendJson(res, 200, { ok: true, jobs: jobs.size });
      return;
    }
    if (action === 'reset' && method === 'POST') {
      reset();
      if (isRecord(body)) applyConfig(body);
      sendJson(res, 200, { ok: true });
      return;
    }
    if (action === 'config' && method === 'POST') {
      if (isRecord(body)) applyConfig(body);
      sendJson(res, 200, { ok: true, backgroundMode, strict, requiresKey: requiredKey !== undefined });
      return;
    }
    sendJson(res, 404, { message: `Unknown simulator control ${method} ${url.pathname}` });
  }

  function applyConfig(body: Json): void {
    if (body.backgroundMode === 'on' || body.backgroundMode === '404' || body.backgroundMode === '405') backgroundMode = body.backgroundMode;
    if (typeof body.apiKey === 'string') requiredKey = body.apiKey;
    if (body.apiKey === null) requiredKey = undefined;
    if (typeof body.strict === 'boolean') strict = body.strict;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.publicHost ?? host;
  const hostPart = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  const url = `${opts.tls ? 'https' : 'http'}://${hostPart}:${port}`;

  const sim: Simulator = {
    url,
    baseUrl: `${url}${basePath}`,
    port,
    requests,
    closes,
    script: (...scripts) => enqueue(scripts),
    setDefault: (script) => {
      defaultScript = script;
    },
    configure: (changes) => applyConfig(changes as Json),
    reset,
    finishJobs,
    get jobIds() {
      return [...jobs.keys()];
    },
    waitForClose(index, timeoutMs = 5000) {
      return waitUntil(() => closes.find((c) => c.requestIndex === index), timeoutMs, `the response to request ${index} to close`);
    },
    async waitForRequests(count, timeoutMs = 5000) {
      await waitUntil(() => (requests.length >= count ? true : undefined), timeoutMs, `${count} requests`);
    },
    get openConnections() {
      return sockets.size;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };

  function waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => reject(new Error(`simulator: timed out waiting for ${what}`)), timeoutMs);
      const loop = (): void => {
        if (!check()) closeWaiters.push(loop);
      };
      loop();
    });
  }

  return sim;
}

/** Re-split a byte stream at `splitAt` offsets or into `chunkSize` pieces; otherwise pass through. */
export function* rechunk(source: Iterable<Buffer>, script: Pick<SimScript, 'chunkSize' | 'splitAt'>): Iterable<Buffer> {
  if (script.splitAt && script.splitAt.length > 0) {
    const cuts = [...new Set(script.splitAt)].filter((n) => n > 0).sort((a, b) => a - b);
    let offset = 0;
    let pending: Buffer[] = [];
    let pendingLength = 0;
    let cut = 0;
    for (const buf of source) {
      pending.push(buf);
      pendingLength += buf.length;
      let joined = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      while (cut < cuts.length && cuts[cut] <= offset + joined.length) {
        const at = cuts[cut] - offset;
        if (at > 0) yield joined.subarray(0, at);
        joined = joined.subarray(at);
        offset += at;
        cut++;
      }
      pending = joined.length > 0 ? [joined] : [];
      pendingLength = joined.length;
      if (cut >= cuts.length && pendingLength > 0) {
        yield joined;
        offset += joined.length;
        pending = [];
        pendingLength = 0;
      }
    }
    if (pendingLength > 0) yield Buffer.concat(pending);
    return;
  }
  const size = script.chunkSize;
  if (!size || size <= 0) {
    yield* source;
    return;
  }
  let carry: Buffer = Buffer.alloc(0);
  for (const buf of source) {
    let data = carry.length > 0 ? Buffer.concat([carry, buf]) : buf;
    while (data.length >= size) {
      yield data.subarray(0, size);
      data = data.subarray(size);
    }
    carry = data;
  }
  if (carry.length > 0) yield carry;
}
