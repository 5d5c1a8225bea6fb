/**
 * Background answers (o3-pro in background mode) as Reasoner keeps them across reloads:
 * which gateway job, which model, where its answer belongs, and how it ended. Never the
 * key; never code (a range is found again by the hash of its text); a question only where
 * the surface needs it to show the thread again.
 */

/** Where the answer lands when the job ends. */
export type JobPlace =
  | { readonly kind: 'chat'; readonly conversationId: string; readonly turnId: string }
  | {
    readonly kind: 'inline'; readonly uri: string; readonly startLine: number; readonly endLine: number;
    /** sha256 of the lines [startLine, endLine] when asked: finds the code again after edits. */
    readonly codeHash: string;
    readonly task: string; readonly question: string;
  }
  /** `comparisonId`: the Compare Models tab the column is in, kept in the workspace so the tab comes back (absent in older lists). */
  | { readonly kind: 'compare'; readonly question: string; readonly comparisonId?: string }
  | { readonly kind: 'palette'; readonly question: string };

export type JobPlaceKind = JobPlace['kind'];

export type JobStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'lost';

export interface JobLease {
  /** The window polling the job. */
  readonly owner: string;
  /** ms since the epoch; another window may take the job over after it. */
  readonly until: number;
}

export interface JobRecord {
  /** The gateway's response id (`resp_…`). */
  readonly id: string;
  readonly modelId: string;
  readonly modelLabel: string;
  readonly effort: string;
  readonly place: JobPlace;
  /** One line saying what it is about: "Explain · cart.ts:3–10", a conversation's title. */
  readonly about: string;
  readonly startedAt: number;
  readonly status: JobStatus;
  readonly endedAt?: number;
  /** Why it failed or was lost, for people (plain text). */
  readonly message?: string;
  /** The estimate shown before it was sent ("≈ $0.40"). */
  readonly costEstimate?: string;
  readonly lease?: JobLease;
}

export const JOBS_VERSION = 1;
/** Ended jobs are listed this long, then dropped. */
export const ENDED_JOBS_KEPT_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_ENDED_JOBS = 50;
/** A poller renews its lease well before this runs out; a window that closed loses it after this. */
export const JOB_LEASE_MS = 30_000;

export function isRunning(job: JobRecord): boolean {
  return job.status === 'running';
}

/** Can `owner` poll the job now: no one holds it, `owner` does, or the holder's lease ran out. */
export function canClaim(job: JobRecord, owner: string, now: number): boolean {
  return isRunning(job) && (!job.lease || job.lease.owner === owner || job.lease.until <= now);
}

/** Drops ended jobs older than a week and keeps the newest {@link MAX_ENDED_JOBS} of the rest. */
export function pruneJobs(jobs: readonly JobRecord[], now: number): JobRecord[] {
  const running = jobs.filter(isRunning);
  const ended = jobs
    .filter((job) => !isRunning(job) && now - (job.endedAt ?? job.startedAt) < ENDED_JOBS_KEPT_MS)
    .sort((a, b) => (b.endedAt ?? b.startedAt) - (a.endedAt ?? a.startedAt))
    .slice(0, MAX_ENDED_JOBS);
  return [...running, ...ended];
}

/** "4:05", "1:02:03": how long a job has run (or ran). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

const STATUS_WORDS: Record<JobStatus, string> = {
  running: 'running', completed: 'done', failed: 'failed', cancelled: 'cancelled', lost: 'lost',
};

/** The Jobs view's second column, what changes first (the sidebar is narrow): "running 4:05 · o3-pro · Chat · ≈ $0.40". */
export function jobDescription(job: JobRecord, now: number): string {
  const elapsed = formatElapsed((job.endedAt ?? now) - job.startedAt);
  return [`${STATUS_WORDS[job.status]} ${elapsed}`, job.modelLabel, placeWord(job.place), ...(job.costEstimate ? [job.costEstimate] : [])].join(' · ');
}

const PLACE_WORDS: Record<JobPlaceKind, string> = { chat: 'Chat', inline: 'Inline thread', compare: 'Compare Models', palette: 'Command' };

export function placeWord(place: JobPlace): string {
  return PLACE_WORDS[place.kind];
}

/**
 * Where code asked about is now: its old lines if they still hash the same, else the nearest
 * run of as many lines that does, else undefined (the code is gone). `hash` hashes lines joined by "\n".
 */
export function findCode(
  lines: readonly string[], place: { readonly startLine: number; readonly endLine: number; readonly codeHash: string },
  hash: (text: string) => string,
): { startLine: number; endLine: number } | undefined {
  const count = place.endLine - place.startLine + 1;
  if (count <= 0 || count > lines.length) return undefined;
  const at = (start: number): boolean => hash(lines.slice(start, start + count).join('\n')) === place.codeHash;
  const last = lines.length - count;
  for (let distance = 0; distance <= Math.max(place.startLine, last - place.startLine); distance++) {
    for (const start of distance === 0 ? [place.startLine] : [place.startLine - distance, place.startLine + distance]) {
      if (start >= 0 && start <= last && at(start)) return { startLine: start, endLine: start + count - 1 };
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function isPlace(value: unknown): value is JobPlace {
  if (!isObject(value)) return false;
  switch (value.kind) {
    case 'chat': return isString(value.conversationId) && isString(value.turnId);
    case 'inline': return isString(value.uri) && isCount(value.startLine) && isCount(value.endLine) && isString(value.codeHash)
      && isString(value.task) && isString(value.question);
    case 'compare': return isString(value.question) && (value.comparisonId === undefined || isString(value.comparisonId));
    case 'palette': return isString(value.question);
    default: return false;
  }
}

const STATUSES: readonly unknown[] = ['running', 'completed', 'failed', 'cancelled', 'lost'];

export function isJobRecord(value: unknown): value is JobRecord {
  if (!isObject(value)) return false;
  const lease = value.lease;
  return isString(value.id) && /^[\w.-]{1,200}$/.test(value.id) && isString(value.modelId) && isString(value.modelLabel)
    && isString(value.effort) && isPlace(value.place) && isString(value.about) && isCount(value.startedAt)
    && STATUSES.includes(value.status)
    && (value.endedAt === undefined || isCount(value.endedAt))
    && (value.message === undefined || isString(value.message))
    && (value.costEstimate === undefined || isString(value.costEstimate))
    && (lease === undefined || (isObject(lease) && isString(lease.owner) && isCount(lease.until)));
}
