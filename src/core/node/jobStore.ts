/**
 * The background answers on disk: one JSON file in global storage, shared by every window.
 * Each change is read-modify-write under a lock file (proper-lockfile), so two windows never
 * lose each other's changes, and a lease in each record says which window polls it.
 * A file that does not parse is moved aside and reported; the list starts over.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as LockfileParts from './lockfileParts';
import { isJobRecord, JOBS_VERSION, pruneJobs, type JobRecord } from '../common/jobs';
import { NULL_LOGGER, type Logger } from '../common/logger';
import { readKeptJson, writeFileAtomic } from './history';

/** A lock not released for this long belongs to a window that died; it is taken over. */
const STALE_LOCK_MS = 10_000;

let lockfile: typeof LockfileParts | undefined;
function lockfileParts(): typeof LockfileParts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lockfile ??= require('./lockfileParts') as typeof LockfileParts;
  return lockfile;
}

export class JobStore {
  constructor(
    private readonly file: string,
    private readonly log: Logger = NULL_LOGGER,
    /** Told once per unreadable file, with where it was moved. */
    private readonly onCorrupt: (movedTo: string, why: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get path(): string {
    return this.file;
  }

  /** The records, ended jobs past their time left out (they go from the file at its next change). */
  async list(): Promise<JobRecord[]> {
    return pruneJobs(await this.locked(() => this.read()), this.now());
  }

  /**
   * Changes the list under the lock: `change` gets the current records and returns the new ones
   * (ended jobs past their time are dropped on the way). Resolves to what was written.
   */
  async update(change: (jobs: JobRecord[]) => JobRecord[]): Promise<JobRecord[]> {
    return this.locked(async () => {
      const next = pruneJobs(change(await this.read()), this.now());
      await writeFileAtomic(this.file, JSON.stringify({ version: JOBS_VERSION, jobs: next }));
      return next;
    });
  }

  /** Applies `change` to one record, if it is there; resolves to the record as written. */
  async patch(id: string, change: (job: JobRecord) => JobRecord): Promise<JobRecord | undefined> {
    let written: JobRecord | undefined;
    await this.update((jobs) => jobs.map((job) => {
      if (job.id !== id) return job;
      written = change(job);
      return written;
    }));
    return written;
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const release = await lockfileParts().lock(this.file, {
      realpath: false, stale: STALE_LOCK_MS, retries: { retries: 50, minTimeout: 10, maxTimeout: 200, factor: 1.5 },
    });
    try {
      return await work();
    } finally {
      await release().catch((error: unknown) => this.log.warn(`Could not release the job list's lock: ${describe(error)}`));
    }
  }

  private async read(): Promise<JobRecord[]> {
    const jobs = await readKeptJson(this.file, (value) => {
      const parsed = value as { version?: unknown; jobs?: unknown };
      if (parsed?.version !== JOBS_VERSION || !Array.isArray(parsed.jobs)) throw new Error('not a job list');
      const readable = parsed.jobs.filter(isJobRecord);
      if (readable.length < parsed.jobs.length) this.log.warn(`The job list had ${parsed.jobs.length - readable.length} unreadable entries; they were dropped.`);
      return readable;
    }, (aside, reason) => {
      this.log.warn(`The job list could not be read (${reason}); moved to ${aside} and started over.`);
      this.onCorrupt(aside, reason);
    }, this.now());
    return jobs ?? [];
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
