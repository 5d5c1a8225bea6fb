/**
 * The simulator's scripting language: plain JSON, so the same scripts work from the
 * module API (`sim.script(...)`) and over HTTP (`POST /__sim/script`).
 */

/** How an error body looks. */
export type SimErrorShape =
  | 'openai' // {"error":{"message","type","param","code"}}
  | 'gateway' // {"message","path","requestId","statusCode","timestamp"}
  | 'title' // {"title","status","message"}
  | 'html' // an nginx-style HTML page
  | 'text' // the message as text/plain
  | 'empty'; // no body at all

/** The answer's content (used for 2xx answers, streamed or not). */
export interface SimAnswer {
  /** The answer text. Default: an echo naming the model and quoting the last user message. */
  text?: string;
  /** Reasoning summary parts (responses API, sent only when the request asks for a summary). */
  reasoning?: string | string[];
  /** Tool calls after the text (`finish_reason` "tool_calls" on chat; `function_call` items on responses). */
  toolCalls?: { name: string; arguments: string; id?: string }[];
  /** Chat `finish_reason`. Default "stop" ("tool_calls" with toolCalls). */
  finish?: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  /** Responses: end as `incomplete` with this `incomplete_details.reason`. */
  incomplete?: 'max_output_tokens' | 'content_filter';
  /** Token counts; `null` leaves usage out. Defaults are derived from sizes (reasoning 128). */
  usage?: { input?: number; output?: number; reasoning?: number; cached?: number } | null;
  /** The gateway's `meta.usage`; `null` leaves it out. */
  cost?: { usd?: number; credits?: number } | null;
  /** The `model` field of the answer. Default: the snapshot for the id sent. */
  model?: string;
  /** Generate this many bytes of text lazily instead of `text` (large answers). */
  generateBytes?: number;
  /** Characters (code points) per text delta. Default 6 (2048 with generateBytes). */
  deltaSize?: number;
}

/**
 * One answer. In any of its texts, `{{authorization}}` and `{{key}}` become the request's Authorization
 * header and bearer key: a gateway that echoes them back.
 */
export interface SimScript extends SimAnswer {
  /** Answer with this HTTP status instead of an answer: >= 400 an error body, 3xx an empty redirect (give `headers.location`). */
  status?: number;
  /** Error body shape. Default "openai". */
  errorShape?: SimErrorShape;
  /** Error message (defaults per status follow the contract's table). */
  message?: string;
  code?: string;
  type?: string;
  param?: string;
  /** Extra response headers, e.g. {"retry-after": "2"} or {"retry-after-ms": "150"}. */
  headers?: Record<string, string>;
  /** Leave out the x-request-id header. */
  noRequestId?: boolean;

  /** Wait before sending the status line and headers. */
  headersDelayMs?: number;
  /** Send headers, then wait before the first body byte. */
  firstByteDelayMs?: number;
  /** Wait between written chunks. */
  chunkDelayMs?: number;
  /** Write the body in pieces of this many bytes (default: one SSE event per write). */
  chunkSize?: number;
  /** Write the body split exactly at these byte offsets (overrides chunkSize). */
  splitAt?: number[];

  /**
   * Break the connection: `reset-before-headers` (TCP reset as soon as the request arrives),
   * `reset` (TCP reset mid-body), `stall` (stop sending mid-body, keep the connection open),
   * `close` (end the body cleanly mid-answer, without a terminal event).
   */
  fault?: 'reset-before-headers' | 'reset' | 'stall' | 'close';
  /** Where a mid-body fault happens. Default: right after the first event carrying text. */
  faultAfterBytes?: number;

  /** Send `data: [DONE]` at the end. Default: true on chat, false on responses. */
  done?: boolean;
  /** Sprinkle unknown event types, comments and extra fields into the stream. */
  unknownEvents?: boolean;
  /** An in-band error after `afterDeltas` text deltas (responses `error` event; chat `{"error":{…}}` chunk). */
  errorEvent?: { message: string; code?: string; afterDeltas?: number };
  /** Responses: end with `response.failed` (status "failed") carrying this error. */
  failed?: { message: string; code?: string };
  /**
   * Send exactly this body (with `contentType`, default text/event-stream; text/plain with an error `status`)
   * instead of a generated one.
   */
  raw?: string;
  contentType?: string;
  /** Answer 400 naming `stream` to streaming requests; the script stays queued for the retry without streaming. */
  refuseStream?: boolean;
  /** Background jobs from this script finish after this many polls (default 2). */
  pollsBeforeDone?: number;
  /** Background jobs from this script stay in progress this long after they were queued (then `pollsBeforeDone` counts). */
  backgroundMs?: number;
  /** Background jobs from this script stay in progress until `finishJobs()` (or POST /__sim/finish-jobs). */
  holdJobs?: boolean;
  /**
   * Never end: after the text, a stream goes on with `keep-alive` comments or `empty-deltas` (paced by
   * `chunkDelayMs`) until the client leaves; with `in-progress`, a background job's polls answer
   * `in_progress` forever.
   */
  endless?: 'keep-alive' | 'empty-deltas' | 'in-progress';
  /** Serve this script for this many requests before dropping it from the queue (default 1). */
  times?: number;
  /**
   * Only a request whose body names this `model` takes this script; others pass it by in the queue.
   * Lets parallel requests to different models get their own answers whatever order they arrive in.
   */
  forModel?: string;
}

export type BackgroundMode = 'on' | '404' | '405';

/** What the simulator recorded about one request. */
export interface SimRequestRecord {
  readonly index: number;
  readonly method: string;
  /** Full path, base path included. */
  readonly path: string;
  readonly route: 'chat' | 'responses' | 'poll' | 'cancel' | 'unknown';
  /** Lower-case names. Over HTTP, `authorization` is masked unless `?reveal=1`. */
  readonly headers: Record<string, string>;
  readonly bodyText: string;
  /** The parsed JSON body, if it was JSON. */
  readonly body?: unknown;
  readonly receivedAt: number;
  /** The client's TCP port: equal ports on two requests mean one kept-alive connection. */
  readonly remotePort: number;
  /** Status sent (undefined if the connection broke first). */
  status?: number;
}

/** A response's connection closing: `completed` false means the client went away before the end. */
export interface SimCloseRecord {
  readonly requestIndex: number;
  readonly at: number;
  readonly completed: boolean;
  readonly bytesWritten: number;
}
