import * as vscode from 'vscode';
import { collectAnswer, type Answer } from '../core/node/answer';
import { isJobDetached, JobDetached } from '../core/node/background';
import { ReasoningClient } from '../core/node/client';
import { ApiError } from '../core/common/errors';
import { isAccountProblem, NO_KEY_NOTIFICATION } from '../core/common/errorPresenter';
import type { Logger } from '../core/common/logger';
import type { ModelInfo } from '../core/common/models';
import { plainMessage } from '../core/common/plainMessage';
import { DEFAULT_REASONING_EFFORT, type FinishReason, type ReasoningRequest, type Usage } from '../core/common/types';
import { usageLogFields } from '../core/common/usageText';
import { findModel, readNetworkSettings, type SettingsReader } from './config';
import { Disposable } from './lifecycle';
import { errorActions, type Notifier } from './notify';
import type { JobTracker, RequestRunner, RunRequest, RunResult } from './runner';
import type { ApiKeyStore } from './secrets';
import type { SpendTracker } from './spend';

/** The longest shutdown waits for cancelled runs to end before closing the clients (which wait for cancel calls). */
const RUNS_END_WAIT_MS = 5000;

/** What a client is built for: a change to any of it means a new client for the next request. */
interface ClientKey { readonly baseUrl: string; readonly timeoutSeconds: number; readonly deadlineMinutes: number; readonly network: string }

type KeyRead =
  | { readonly status: 'read'; readonly key: string }
  /** None stored, the OS keyring failed, or the request was cancelled while the keyring was still answering. */
  | { readonly status: 'missing' | 'unreadable' | 'cancelled'; readonly error: ApiError };

/** The one pipeline behind every entry point (see runner.ts). */
export class ReasonerRequestRunner extends Disposable implements RequestRunner {
  private client: ReasoningClient | undefined;
  private clientKey: ClientKey | undefined;
  /** Replaced clients still finishing their requests; closed once idle, or at shutdown. */
  private readonly retired = new Set<ReasoningClient>();
  private readonly closing = new Set<Promise<void>>();
  /** Every run until it has ended (runs never reject). */
  private readonly running = new Set<Promise<RunResult>>();
  private readonly active = new Map<number, ActiveRun>();
  private jobs: JobTracker | undefined;
  private nextId = 1;
  private shutdownDone: Promise<void> | undefined;
  private readonly activeChanged = this.register(new vscode.EventEmitter<number>());
  readonly onDidChangeActive = this.activeChanged.event;

  constructor(
    private readonly settings: SettingsReader,
    private readonly keys: ApiKeyStore,
    private readonly log: Logger,
    private readonly notifier: Notifier,
    private readonly spend?: SpendTracker,
  ) {
    super();
  }

  get activeCount(): number {
    return this.active.size;
  }

  cancelAll(): number {
    const count = this.active.size;
    for (const run of this.active.values()) run.controller.abort();
    return count;
  }

  /** Background jobs are recorded with `tracker` from now on. */
  trackJobs(tracker: JobTracker): void {
    this.jobs = tracker;
  }

  /** Cancels the run that polls background job `id` in this window (the gateway is told); false when none does. */
  cancelJob(id: string): boolean {
    const run = [...this.active.values()].find((candidate) => candidate.jobId === id);
    run?.controller.abort();
    return run !== undefined;
  }

  /** Tells the gateway to cancel background job `id`, which no run of this window polls. */
  async cancelJobAtGateway(id: string): Promise<boolean> {
    const settings = this.settings.current();
    const key = await this.keys.get().catch(() => undefined);
    if (!key || !settings.baseUrl.ok) throw new ApiError({ kind: key ? 'config' : 'no-key' });
    return this.clientFor(settings.baseUrl.url, settings).cancelJob(id, key);
  }

  /** Never rejects: whatever goes wrong, the caller gets a result whose `error` says what. */
  run(request: RunRequest): Promise<RunResult> {
    const result = this.runSafely(request);
    this.running.add(result);
    void result.finally(() => this.running.delete(result));
    return result;
  }

  private async runSafely(request: RunRequest): Promise<RunResult> {
    const started = Date.now();
    try {
      return await this.runChecked(request, started);
    } catch (thrown) {
      // Nothing above is expected to throw; if it does, it is a bug worth the log, and the caller still ends.
      const error = new ApiError({ kind: 'protocol', detail: describeThrown(thrown), cause: thrown });
      this.log.error(`[${request.source}] failed unexpectedly: ${error.toLogString()}`, thrown);
      return { effort: request.effort ?? DEFAULT_REASONING_EFFORT, text: '', reasoning: '', error, elapsedMs: Date.now() - started };
    }
  }

  private async runChecked(request: RunRequest, started: number): Promise<RunResult> {
    const settings = this.settings.current();
    const model = findModel(settings, request.modelId ?? settings.modelId);
    const effort = request.effort ?? settings.effort;
    const fail = (error: ApiError, errorNotified = true): RunResult =>
      ({ model, effort, text: '', reasoning: '', error, errorNotified, elapsedMs: Date.now() - started });

    if (this.shutdownDone) {
      this.log.info(`[${request.source}] not sent: Reasoner is shutting down`);
      return fail(new ApiError({ kind: 'cancelled', detail: 'shutting down' }), false);
    }
    if (!settings.baseUrl.ok) {
      const error = new ApiError({ kind: 'config', serverMessage: settings.baseUrl.message, actions: ['openSettings'] });
      this.log.error(`[${request.source}] not sent: ${settings.baseUrl.message}`);
      this.notifier.show('error', error.userMessage, errorActions(error));
      return fail(error);
    }
    if (!model) {
      const error = new ApiError({
        kind: 'config',
        serverMessage: `The model "${request.modelId ?? settings.modelId}" is not a built-in model nor defined in reasoner.models. Pick one with “Reasoner: Select Model…”.`,
        actions: ['switchModel', 'openSettings'],
      });
      this.notifier.show('error', error.userMessage, errorActions(error, request.retry));
      return fail(error);
    }

    // Registered before the key is read, so that Cancel All and shutdown reach a request still waiting for the keyring.
    const controller = new AbortController();
    const id = this.nextId++;
    const onAbort = () => controller.abort();
    if (request.signal?.aborted) controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const run: ActiveRun = { controller, jobId: request.resumeJob };
    this.active.set(id, run);
    this.activeChanged.fire(this.active.size);
    try {
      const read = await this.readKey(controller.signal);
      if (read.status !== 'read') {
        this.announceKeyProblem(request, read);
        return fail(read.error, read.status !== 'cancelled');
      }
      // A fetched job was paid for when it was sent; it asks nothing again.
      const spendCheck = request.resumeJob ? undefined : await this.spend?.beforeSend(model, inputChars(request), controller.signal);
      if (spendCheck && !spendCheck.proceed) {
        return fail(spendCheck.error ?? ApiError.cancelled(), spendCheck.error !== undefined);
      }
      let estimateShown: vscode.Disposable | undefined;
      if (spendCheck?.estimate) {
        estimateShown = vscode.window.setStatusBarMessage(`$(credit-card) ${plainMessage(spendCheck.estimate)}`);
        request.onEvent?.({ type: 'progress', elapsedMs: 0, status: spendCheck.estimate });
      }
      const client = this.clientFor(settings.baseUrl.url, settings);
      const reasoningRequest: ReasoningRequest = {
        model,
        turns: request.turns,
        effort,
        maxOutputTokens: settings.maxOutputTokens,
        stream: settings.stream,
        reasoningSummary: settings.showReasoningSummary && model.capabilities.reasoningSummary,
        // Only where the answer can be kept as a job (Reasoner's own surfaces): elsewhere it streams.
        background: settings.backgroundMode && model.capabilities.background && request.job !== undefined,
        ...(request.instructions ? { instructions: request.instructions } : {}),
        ...(request.tools && request.tools.length > 0 ? { tools: request.tools, ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}) } : {}),
      };
      try {
        const sent = await this.send(client, { ...request, signal: controller.signal }, reasoningRequest, read.key, started, run, spendCheck?.estimate);
        const result = spendCheck?.estimate ? { ...sent, costEstimate: spendCheck.estimate } : sent;
        // A job's usage is recorded by the window that ends it, once.
        const firstToEnd = run.jobId && this.jobs ? await this.jobs.ended(run.jobId, result) : true;
        if (result.usage && firstToEnd && !result.detached) await this.spend?.record(request.source, model, result.usage);
        return result;
      } finally {
        estimateShown?.dispose();
      }
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      this.active.delete(id);
      this.activeChanged.fire(this.active.size);
    }
  }

  /** The stored key, or why the request cannot have one; gives up on a slow keyring when the request is cancelled. */
  private readKey(signal: AbortSignal): Promise<KeyRead> {
    const read = this.keys.get().then(
      (key): KeyRead => key ? { status: 'read', key } : { status: 'missing', error: new ApiError({ kind: 'no-key' }) },
      (reason: unknown): KeyRead => ({ status: 'unreadable', error: keyringError(reason) }));
    return new Promise((resolve) => {
      const onAbort = () => resolve({ status: 'cancelled', error: ApiError.cancelled() });
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void read.then((outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  }

  private announceKeyProblem(request: RunRequest, read: Exclude<KeyRead, { status: 'read' }>): void {
    switch (read.status) {
      case 'cancelled':
        this.log.info(`[${request.source}] cancelled before it was sent`);
        break;
      case 'missing':
        this.log.warn(`[${request.source}] not sent: no API key is set`);
        this.notifier.show('warning', NO_KEY_NOTIFICATION, errorActions(read.error, request.retry));
        break;
      case 'unreadable':
        this.log.error(`[${request.source}] not sent: ${read.error.toLogString()}`);
        this.notifier.show('error', read.error.userMessage, errorActions(read.error, request.retry));
        break;
    }
  }

  /** Sends the request with the key and collects the answer; `request.signal` is the runner's own, linked to the caller's. */
  private async send(
    client: ReasoningClient, request: RunRequest & { signal: AbortSignal }, reasoningRequest: ReasoningRequest, key: string, started: number,
    run: ActiveRun, costEstimate: string | undefined,
  ): Promise<RunResult> {
    const { model, effort, maxOutputTokens } = reasoningRequest;
    let firstTokenMs: number | undefined;
    let url = '';
    let answer: Answer;
    try {
      const events = request.resumeJob ? client.resume(model, request.resumeJob, request.signal, key) : client.stream(reasoningRequest, request.signal, key);
      answer = await collectAnswer(events, {
        maxOutputTokens,
        effort,
        onEvent: (event) => {
          if (event.type === 'request') url = event.url;
          if (event.type === 'background' && !request.resumeJob) this.jobChanged(run, request, model, effort, event.responseId, costEstimate);
          if ((event.type === 'text' || event.type === 'reasoning') && firstTokenMs === undefined) firstTokenMs = Date.now() - started;
          request.onEvent?.(event);
        },
      });
    } catch (thrown) {
      // The client reports failures as events; anything thrown is a bug worth the log.
      const error = new ApiError({ kind: 'protocol', detail: describeThrown(thrown), cause: thrown });
      request.onEvent?.({ type: 'error', error });
      answer = { text: '', reasoning: '', error, elapsedMs: Date.now() - started };
    }
    const { text, usage, finish, error, requestId } = answer;
    const elapsedMs = Date.now() - started;
    if (run.jobId && isJobDetached(request.signal.reason)) {
      this.log.info(`[${request.source}] left background answer ${run.jobId} running at the gateway; the next window fetches it.`);
      return { ...answer, model, effort, elapsedMs, detached: true };
    }
    this.logOutcome(request.source, model, url, { text, finish, error, requestId, usage, elapsedMs, firstTokenMs });
    // Account problems concern every entry point, so they are announced here, once.
    const accountProblem = isAccountProblem(error);
    if (accountProblem) this.notifier.show('error', error.userMessage, errorActions(error, request.retry));
    return { ...answer, model, effort, elapsedMs, ...(accountProblem ? { errorNotified: true } : {}) };
  }

  private jobChanged(run: ActiveRun, request: RunRequest, model: ModelInfo, effort: RunResult['effort'], responseId: string | undefined, costEstimate: string | undefined): void {
    if (!request.job || !this.jobs) return;
    if (responseId) {
      run.jobId = responseId;
      this.jobs.started({ id: responseId, model, effort, subject: request.job, ...(costEstimate ? { costEstimate } : {}) });
    } else if (run.jobId) {
      this.jobs.left(run.jobId);
      run.jobId = undefined;
    }
  }

  /** The client for the current settings (`baseUrl` is the checked one); a new one when any of them changed. */
  private clientFor(baseUrl: string, { timeoutSeconds, deadlineMinutes }: { timeoutSeconds: number; deadlineMinutes: number }): ReasoningClient {
    const wanted = { baseUrl, timeoutSeconds, deadlineMinutes };
    const network = readNetworkSettings();
    const networkKey = JSON.stringify(network);
    const key = this.clientKey;
    if (!this.client || key?.baseUrl !== baseUrl || key.timeoutSeconds !== timeoutSeconds || key.deadlineMinutes !== deadlineMinutes || key.network !== networkKey) {
      const previous = this.client;
      if (previous) {
        // Requests still running on the old client finish there; it is closed once they are done.
        this.retired.add(previous);
        void Promise.all(this.running).then(() => {
          if (this.retired.delete(previous)) void this.close(previous);
        });
      }
      this.client = new ReasoningClient({ baseUrl, timeoutSeconds, requestDeadlineMs: deadlineMinutes * 60_000, logger: this.log, network });
      this.clientKey = { ...wanted, network: networkKey };
      const route = this.client.route;
      if (route?.proxy) this.log.info(`Requests to ${route.target.host} go through the proxy ${route.proxy.display} (from ${route.proxy.source}); certificates: ${route.certificates.description}`);
      else if (route) this.log.debug(`Requests to ${route.target.host} go direct (${route.direct ?? 'no proxy'}); certificates: ${route.certificates.description}`);
    }
    return this.client;
  }

  /** Closes a client's connections, after it has told the gateway to cancel its background jobs. */
  private close(client: ReasoningClient): Promise<void> {
    const closed = client.dispose().catch((thrown: unknown) => this.log.warn(`Closing a connection pool failed: ${describeThrown(thrown)}`));
    this.closing.add(closed);
    void closed.finally(() => this.closing.delete(closed));
    return closed;
  }

  private logOutcome(source: string, model: ModelInfo, url: string, outcome: {
    text: string; finish?: FinishReason; error?: ApiError; requestId?: string; usage?: Usage; elapsedMs: number; firstTokenMs?: number;
  }): void {
    const parts = [
      `[${source}]`, `model=${model.id} (${model.model})`, `endpoint=${url || model.api}`,
      outcome.error ? (outcome.error.status ? `status=${outcome.error.status}` : `error=${outcome.error.kind}`) : 'status=200',
      `requestId=${outcome.requestId ?? '-'}`, `latency=${outcome.elapsedMs}ms`,
      `firstToken=${outcome.firstTokenMs === undefined ? '-' : `${outcome.firstTokenMs}ms`}`,
    ];
    if (outcome.usage) {
      parts.push(`tokens ${usageLogFields(outcome.usage)}`);
    }
    if (outcome.finish) parts.push(`finish=${outcome.finish}`);
    if (outcome.error && outcome.error.kind !== 'cancelled') {
      this.log.error(`${parts.join(' ')} ${outcome.error.toLogString()}${outcome.text ? ` (partial answer kept: ${outcome.text.length} chars)` : ''}`);
    } else {
      this.log.info(parts.join(' '));
    }
  }

  /**
   * Cancels every request, waits until each has ended (so background jobs
   * have been told to cancel at the gateway, where they would otherwise keep
   * running and billing), then closes every client, which waits a bounded time
   * for those cancel calls. Nothing is sent afterwards. Always the same promise.
   */
  shutdown(): Promise<void> {
    this.shutdownDone ??= (async () => {
      // Kept background jobs go on at the gateway; every other request is cancelled.
      for (const run of this.active.values()) run.controller.abort(run.jobId ? new JobDetached() : undefined);
      // Runs end promptly once aborted; a background run registers its cancel call with its client as it ends.
      await Promise.race([Promise.all(this.running), new Promise((resolve) => setTimeout(resolve, RUNS_END_WAIT_MS).unref())]);
      const clients = [...this.retired, ...(this.client ? [this.client] : [])];
      this.retired.clear();
      this.client = undefined;
      await Promise.all([...clients.map((client) => this.close(client)), ...this.closing]);
    })();
    return this.shutdownDone;
  }

  override dispose(): void {
    void this.shutdown().finally(() => super.dispose());
  }
}

interface ActiveRun {
  readonly controller: AbortController;
  /** The background job this run polls, once the gateway named it (only for requests with a `job`). */
  jobId: string | undefined;
}

/** What the request carries, in characters: the base of the cost estimate. */
function inputChars(request: RunRequest): number {
  return (request.instructions?.length ?? 0) + request.turns.reduce((sum, turn) =>
    sum + turn.text.length + (turn.context ?? []).reduce((code, context) => code + context.code.length, 0), 0);
}

function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** A key read that failed: the keyring is missing, locked or refused access. */
function keyringError(reason: unknown): ApiError {
  const why = describeThrown(reason);
  return new ApiError({
    kind: 'no-key', cause: reason, detail: `the OS keyring failed: ${why}`,
    userMessage: `Your API key could not be read from the OS keyring (${why}). Unlock the keyring and try again, or set the key again with “Reasoner: Set API Key”.`,
  });
}
