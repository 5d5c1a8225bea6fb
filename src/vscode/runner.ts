import type { ApiError } from '../core/common/errors';
import type { FinishReason, ReasoningEffort, StreamEvent, ToolSpec, Turn, Usage } from '../core/common/types';
import type { JobPlace } from '../core/common/jobs';
import type { ModelInfo } from '../core/common/models';

/** Where a background answer belongs, so that a reload can deliver it there. */
export interface JobSubject {
  readonly place: JobPlace;
  /** One line for the Jobs view: "Explain · cart.ts:3–10", a conversation's title. */
  readonly about: string;
}

/** What an entry point asks for; model and effort default to the user's current choice. */
export interface RunRequest {
  /** Who asked, for the log: 'inline', 'chat', 'palette:writeTests', ... */
  readonly source: string;
  readonly modelId?: string;
  readonly effort?: ReasoningEffort;
  readonly instructions?: string;
  readonly turns: readonly Turn[];
  /** Functions the model may call (VS Code's language-model API); calls arrive as `toolCall` events. */
  readonly tools?: readonly ToolSpec[];
  readonly toolChoice?: 'auto' | 'required';
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: StreamEvent) => void;
  /**
   * Runs the same request again. Offered by account-level errors (no key,
   * rejected key, no credits) so that after the user fixes it, the request
   * they made goes on and nothing they typed is lost.
   */
  readonly retry?: () => unknown;
  /** When the gateway runs the request as a background job (o3-pro), it is kept as one (see jobs/). */
  readonly job?: JobSubject;
  /** Fetch the answer of this background job (started by an earlier window) instead of sending the turns. */
  readonly resumeJob?: string;
}

export interface RunResult {
  /** Absent only when the configured model id is unknown (then `error` says so). */
  readonly model?: ModelInfo;
  readonly effort: ReasoningEffort;
  readonly text: string;
  readonly reasoning: string;
  readonly usage?: Usage;
  readonly finish?: FinishReason;
  /** Set when the run failed or was cancelled; `text` then holds the partial answer. */
  readonly error?: ApiError;
  /** The runner already showed `error` in a notification (no key, bad settings, rejected key, no credits). */
  readonly errorNotified?: boolean;
  readonly requestId?: string;
  /** Something the user should know about a finished answer (empty because the budget went to reasoning, cut off). */
  readonly notice?: string;
  readonly elapsedMs: number;
  /** The cost estimate shown before the request was sent (o3-pro). */
  readonly costEstimate?: string;
  /** The window closed while the gateway ran the answer as a background job: it goes on, and a later window fetches it. */
  readonly detached?: boolean;
}

/** What the runner tells about background jobs as they start and end (implemented by jobs/jobs.ts). */
export interface JobTracker {
  started(job: { id: string; model: ModelInfo; effort: ReasoningEffort; subject: JobSubject; costEstimate?: string }): void;
  /** The request left background mode (the gateway cannot poll): nothing to keep. */
  left(id: string): void;
  /** The answer ended (or the window is closing, `result.detached`). Resolves to false when another window already ended it. */
  ended(id: string, result: RunResult): Promise<boolean>;
}

/**
 * The one request pipeline every entry point shares: registers the request for
 * Cancel All, reads the settings and the key, asks for a key when there is none
 * (and goes on once it is set), runs the request through the core client and
 * logs it.
 */
export interface RequestRunner {
  /** Never rejects: a missing or unreadable key, bad settings and failures all end in a result with `error`. */
  run(request: RunRequest): Promise<RunResult>;
  /** Aborts every request, including those still waiting for the key; returns how many. */
  cancelAll(): number;
  /** Requests running or waiting for the key. */
  readonly activeCount: number;
}
