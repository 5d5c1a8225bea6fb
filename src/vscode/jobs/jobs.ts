import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { AssistantTurn, Conversation } from '../../core/common/conversation';
import { isKeyProblem } from '../../core/common/errorPresenter';
import { isApiError } from '../../core/common/errors';
import { canClaim, isRunning, JOB_LEASE_MS, type JobPlaceKind, type JobRecord, type JobStatus } from '../../core/common/jobs';
import type { Logger } from '../../core/common/logger';
import type { JobStore } from '../../core/node/jobStore';
import { Disposable } from '../lifecycle';
import type { Notifier } from '../notify';
import type { JobTracker, RunResult } from '../runner';
import type { ReasonerRequestRunner } from '../requestRunner';

export interface JobsOptions {
  /** How long a window's claim on a job lasts unless renewed. Default {@link JOB_LEASE_MS}. */
  readonly leaseMs?: number;
  /** How often a window renews its leases and looks for jobs no window polls. Default a third of the lease. */
  readonly heartbeatMs?: number;
  /** Fires when the API key changes: jobs stopped by a rejected key are fetched again. */
  readonly keyChanged?: vscode.Event<void>;
}

/** What a surface does with a background job whose answer belongs to it. */
export interface JobPlaceHandler {
  /** Fetches the answer into its place (a turn, a thread); resolves false when the place is gone. */
  resume(job: JobRecord): Promise<boolean>;
  /** Shows the place; false when it cannot be shown (then the answer opens in the chat). */
  open(job: JobRecord): Promise<boolean>;
  /** The place is on screen now (no notification needed when the answer lands there). */
  isShown(job: JobRecord): boolean;
}

/**
 * The background answers of every window: records each as it starts (JobTracker, called by the
 * request runner), takes over jobs no window polls (after a reload or restart, or when the window
 * polling them closed) and has their surfaces fetch them, and ends each once. Leases in the shared
 * store make sure one window polls a job and its answer is delivered, and paid for, once.
 */
export class Jobs extends Disposable implements JobTracker {
  /** This window, in leases. */
  readonly owner = randomUUID();
  private records: readonly JobRecord[] = [];
  /** Jobs this window polls now. */
  private readonly polling = new Set<string>();
  private readonly handlers = new Map<JobPlaceKind, JobPlaceHandler>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private windowClosing = false;
  private readonly work = new Set<Promise<unknown>>();
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly jobStore: JobStore,
    private readonly runner: ReasonerRequestRunner,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    /** Where an answer goes whose place is gone or has no handler: fetched and opened in the chat. */
    private readonly fallback: JobPlaceHandler,
    options: JobsOptions = {},
  ) {
    super();
    this.leaseMs = options.leaseMs ?? JOB_LEASE_MS;
    this.heartbeatMs = options.heartbeatMs ?? Math.round(this.leaseMs / 3);
    runner.trackJobs(this);
    if (options.keyChanged) this.register(options.keyChanged(() => void this.resumeAll()));
    this.register({ dispose: () => clearInterval(this.heartbeat) });
  }

  get list(): readonly JobRecord[] {
    return this.records;
  }

  get runningCount(): number {
    return this.records.filter(isRunning).length;
  }

  find(id: string): JobRecord | undefined {
    return this.records.find((job) => job.id === id);
  }

  setPlace(kind: JobPlaceKind, handler: JobPlaceHandler): vscode.Disposable {
    this.handlers.set(kind, handler);
    return { dispose: () => this.handlers.delete(kind) };
  }

  /** Picks up the jobs no window polls, then keeps leases fresh and looks again now and then. */
  start(): Promise<void> {
    this.heartbeat ??= setInterval(() => void this.tick(), this.heartbeatMs);
    return this.resumeAll();
  }

  /** Resolves once every job this window took over has been handed to its place, and the list is current. */
  async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  // --- JobTracker (the request runner)

  started(job: Parameters<JobTracker['started']>[0]): void {
    this.polling.add(job.id);
    const record: JobRecord = {
      id: job.id, modelId: job.model.id, modelLabel: job.model.label, effort: job.effort,
      place: job.subject.place, about: job.subject.about, startedAt: Date.now(), status: 'running',
      lease: { owner: this.owner, until: Date.now() + this.leaseMs },
      ...(job.costEstimate ? { costEstimate: job.costEstimate } : {}),
    };
    this.track(this.write((jobs) => [...jobs.filter((other) => other.id !== job.id), record]));
    this.log.info(`Background answer ${job.id} (${job.model.label}) is kept: a reload or restart fetches it.`);
  }

  left(id: string): void {
    this.polling.delete(id);
    this.track(this.write((jobs) => jobs.filter((job) => job.id !== id)));
  }

  /**
   * The window is closing (deactivate): VS Code disposes everything at once, before the runs end,
   * yet each detached job's lease is still given back, so the next window fetches it at once.
   */
  closing(): void {
    this.windowClosing = true;
  }

  async ended(id: string, result: RunResult): Promise<boolean> {
    this.polling.delete(id);
    // A window going away without its goodbye (a crash) leaves its leases to run out.
    if (this.isDisposed && !(this.windowClosing && result.detached)) return !result.detached;
    if (result.detached || isKeyProblem(result.error)) {
      // The job goes on at the gateway: let the next window (or this one, once a key is set) fetch it at once.
      await this.write((jobs) => jobs.map((job) => (job.id === id && job.lease?.owner === this.owner ? withoutLease(job) : job)));
      return true;
    }
    const status = statusOf(result);
    // Cancelled without an error: not here, but at the gateway (another window, another tool).
    const cancelledElsewhere = status === 'cancelled' && !result.error;
    let firstToEnd = false;
    let ended: JobRecord | undefined;
    await this.write((jobs) => jobs.map((job) => {
      if (job.id !== id || !isRunning(job)) return job;
      firstToEnd = true;
      ended = {
        ...withoutLease(job), status, endedAt: Date.now(),
        ...(result.error && status !== 'cancelled' ? { message: result.error.userMessage } : {}),
        ...(cancelledElsewhere ? { message: vscode.l10n.t('It was cancelled at the gateway, outside this window.') } : {}),
      };
      return ended;
    }));
    if (ended && (status !== 'cancelled' || cancelledElsewhere)) this.announce(ended);
    return firstToEnd;
  }

  // --- the Jobs view's actions

  /** Stops a running job: the gateway is told (so billing stops), and it is polled no more. */
  async cancel(id: string): Promise<void> {
    if (this.runner.cancelJob(id)) return;
    const told = await this.runner.cancelJobAtGateway(id).catch((error: unknown) => {
      this.log.warn(`Could not cancel background answer ${id}: ${isApiError(error) ? error.toLogString() : String(error)}`);
      return false;
    });
    if (!told) {
      this.notifier.show('error', vscode.l10n.t('Reasoner could not reach the gateway to cancel this job; it may still run there. Try again when you are online.'));
      return;
    }
    await this.write((jobs) => jobs.map((job) => (job.id === id && isRunning(job)
      ? { ...withoutLease(job), status: 'cancelled', endedAt: Date.now() } : job)));
  }

  /** Removes an ended job from the list. */
  async forget(id: string): Promise<void> {
    await this.write((jobs) => jobs.filter((job) => job.id !== id || isRunning(job)));
  }

  /** Shows where the job's answer is (or will be). */
  async open(id: string): Promise<void> {
    const job = this.find(id);
    if (!job) return;
    const handler = this.handlers.get(job.place.kind) ?? this.fallback;
    if (!(await handler.open(job))) await this.fallback.open(job);
  }

  /**
   * Chat turns still waiting for a background answer the list does not know (it was unreadable, or
   * the turn came from another machine's history) are added to it, and fetched like the others.
   */
  async adoptWaitingTurns(conversation: Conversation): Promise<void> {
    const waiting = conversation.turns.filter((turn): turn is AssistantTurn =>
      turn.role === 'assistant' && turn.status === 'streaming' && turn.jobId !== undefined && !this.polling.has(turn.jobId));
    if (waiting.length === 0) return;
    let added = false;
    await this.write((jobs) => [...jobs, ...waiting.filter((turn) => !jobs.some((job) => job.id === turn.jobId)).map((turn): JobRecord => {
      added = true;
      return {
        id: turn.jobId!, modelId: turn.modelId, modelLabel: turn.modelLabel ?? turn.modelId, effort: turn.effort,
        place: { kind: 'chat', conversationId: conversation.id, turnId: turn.id }, about: conversation.title,
        startedAt: turn.createdAt, status: 'running',
      };
    })]);
    if (added) await this.resumeAll();
  }

  /** Takes over every running job no window polls, and has its place fetch it. The list is only written when there is one. */
  async resumeAll(): Promise<void> {
    const now = Date.now();
    const claimable = (job: JobRecord): boolean => !this.polling.has(job.id) && canClaim(job, this.owner, now);
    if (!(await this.read()).some(claimable)) return;
    const claimed: JobRecord[] = [];
    await this.write((jobs) => jobs.map((job) => {
      if (!claimable(job)) return job;
      const taken = { ...job, lease: { owner: this.owner, until: now + this.leaseMs } };
      claimed.push(taken);
      return taken;
    }));
    for (const job of claimed) this.track(this.deliver(job));
  }

  private async deliver(job: JobRecord): Promise<void> {
    this.polling.add(job.id);
    this.log.info(`Fetching background answer ${job.id} (${job.modelLabel}, ${job.place.kind}), started ${new Date(job.startedAt).toISOString()}.`);
    try {
      const handler = this.handlers.get(job.place.kind);
      if (!handler || !(await handler.resume(job))) await this.fallback.resume(job);
    } catch (error) {
      this.log.error(`Delivering background answer ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.polling.delete(job.id);
    }
  }

  /** A job that ended where nobody looks: say so, with a way there. */
  private announce(job: JobRecord): void {
    const handler = this.handlers.get(job.place.kind) ?? this.fallback;
    if (handler.isShown(job)) return;
    const text = job.status === 'completed'
      ? vscode.l10n.t('Reasoner: {0} finished “{1}”.', job.modelLabel, job.about)
      : vscode.l10n.t('Reasoner: {0} could not finish “{1}”: {2}', job.modelLabel, job.about, job.message ?? job.status);
    this.notifier.show(job.status === 'completed' ? 'info' : 'warning', text, [{ title: vscode.l10n.t('Open'), run: () => this.open(job.id) }]);
  }

  /** Renews this window's leases, if it polls anything, then looks for jobs no window holds. */
  private async tick(): Promise<void> {
    if (this.polling.size > 0) {
      const now = Date.now();
      await this.write((jobs) => jobs.map((job) => (this.polling.has(job.id) && job.lease?.owner === this.owner && isRunning(job)
        ? { ...job, lease: { owner: this.owner, until: now + this.leaseMs } } : job)));
    }
    await this.resumeAll();
  }

  /** The list as other windows left it, for the view and for claiming. */
  private async read(): Promise<readonly JobRecord[]> {
    try {
      this.records = await this.jobStore.list();
    } catch (error) {
      this.log.error(`Could not read the job list: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.changed.fire();
    return this.records;
  }

  private async write(change: (jobs: JobRecord[]) => JobRecord[]): Promise<void> {
    try {
      this.records = await this.jobStore.update(change);
    } catch (error) {
      this.log.error(`Could not update the job list: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.changed.fire();
  }

  private track(promise: Promise<unknown>): void {
    this.work.add(promise);
    void promise.finally(() => this.work.delete(promise));
  }
}

function withoutLease(job: JobRecord): JobRecord {
  const { lease: _lease, ...rest } = job;
  return rest;
}


function statusOf(result: RunResult): JobStatus {
  const error = result.error;
  if (!error) return result.finish === 'cancelled' ? 'cancelled' : 'completed';
  if (error.kind === 'cancelled') return 'cancelled';
  return error.status === 404 ? 'lost' : 'failed';
}
