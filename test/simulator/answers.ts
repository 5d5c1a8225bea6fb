/**
 * What the simulated gateway says: answer bodies for both APIs (streamed and not) and
 * error bodies in every shape the contract lists. Pure functions, no I/O.
 */

import type { SimAnswer, SimErrorShape, SimScript } from './types';

export type Api = 'chat' | 'responses';

/** The snapshot the real gateway names in `model` (never equal to the id sent). */
const SNAPSHOTS: Record<string, string> = {
  'o1': 'o1-2024-12-17',
  'openai/o3-2025-04-16': 'o3-2025-04-16',
  'o3-mini': 'o3-mini-2025-01-31',
  'openai/o3-pro': 'o3-pro-2025-06-10',
};

export function snapshotFor(model: string): string {
  return SNAPSHOTS[model] ?? model.replace(/^openai\//, '');
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of the last user message of a chat or responses body. */
export function lastUserText(body: unknown): string {
  if (!isRecord(body)) return '';
  const list = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : [];
  for (let i = list.length - 1; i >= 0; i--) {
    const message = list[i];
    if (!isRecord(message) || message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (Array.isArray(message.content)) {
      return message.content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join(' ');
    }
  }
  return '';
}

export function effortOf(body: unknown): string {
  if (!isRecord(body)) return 'medium';
  if (typeof body.reasoning_effort === 'string') return body.reasoning_effort;
  if (isRecord(body.reasoning) && typeof body.reasoning.effort === 'string') return body.reasoning.effort;
  return 'medium';
}

export function summaryRequested(body: unknown): boolean {
  return isRecord(body) && isRecord(body.reasoning) && typeof body.reasoning.summary === 'string';
}

/** The answer when no script says otherwise: names the model and quotes the last user message. */
export function echoText(body: unknown): string {
  const model = isRecord(body) && typeof body.model === 'string' ? body.model : 'unknown model';
  const said = lastUserText(body).trim().replace(/\s+/g, ' ');
  const quote = said.length > 400 ? `${said.slice(0, 400)}…` : said;
  return `Simulated answer from ${model} (effort ${effortOf(body)}). You asked: “${quote || '(nothing)'}”. `
    + 'This is the Reasoner gateway simulator: no model was called.';
}

export function echoReasoning(body: unknown): string[] {
  const model = isRecord(body) && typeof body.model === 'string' ? body.model : 'the model';
  return [`**Reading the question**\n\nThe simulator pretends ${model} thought about the request.`, '**Answering**\n\nIt echoes the last message back.'];
}

export interface ResolvedAnswer {
  readonly model: string;
  readonly snapshot: string;
  readonly reasoningParts: readonly string[];
  /** Code points of the text, produced lazily (large answers are never built in memory when streamed). */
  readonly text: () => Iterable<string>;
  readonly textLength: () => number;
  readonly finish: NonNullable<SimAnswer['finish']>;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly incomplete?: string;
  readonly usage: { input: number; output: number; reasoning: number; cached: number } | null;
  readonly cost: { usd: number; credits: number } | null;
  readonly deltaSize: number;
}

const FILLER = 'The quick brown fox jumps over the lazy dog — naïve café, 日本語, emoji 🦊. ';

function* generated(bytes: number, pieceChars: number): Iterable<string> {
  let produced = 0;
  let offset = 0;
  const chars = Array.from(FILLER);
  while (produced < bytes) {
    let piece = '';
    for (let i = 0; i < pieceChars && produced < bytes; i++) {
      const ch = chars[offset % chars.length];
      offset++;
      piece += ch;
      produced += Buffer.byteLength(ch);
    }
    yield piece;
  }
}

function* pieces(text: string, size: number): Iterable<string> {
  const points = Array.from(text); // never split a surrogate pair
  for (let i = 0; i < points.length; i += size) yield points.slice(i, i + size).join('');
}

export function resolveAnswer(script: SimScript, body: unknown): ResolvedAnswer {
  const model = isRecord(body) && typeof body.model === 'string' ? body.model : 'unknown';
  const deltaSize = Math.max(1, script.deltaSize ?? (script.generateBytes ? 2048 : 6));
  const explicitText = script.text;
  const text = explicitText ?? (script.generateBytes ? undefined : echoText(body));
  const reasoning = script.reasoning === undefined ? echoReasoning(body) : typeof script.reasoning === 'string' ? [script.reasoning] : script.reasoning;
  const textLength = (): number => (text !== undefined ? Buffer.byteLength(text) : script.generateBytes ?? 0);
  const approxTokens = (n: number): number => Math.max(1, Math.ceil(n / 4));
  const inputTokens = approxTokens(JSON.stringify(body ?? '').length);
  const reasoningTokens = script.usage?.reasoning ?? 128;
  const usage = script.usage === null ? null : {
    input: script.usage?.input ?? inputTokens,
    output: script.usage?.output ?? approxTokens(textLength()) + reasoningTokens,
    reasoning: reasoningTokens,
    cached: script.usage?.cached ?? 0,
  };
  const cost = script.cost === null ? null : {
    usd: script.cost?.usd ?? (usage ? Number(((usage.input * 2 + usage.output * 8) / 1_000_000).toFixed(6)) : 0),
    credits: script.cost?.credits ?? (usage ? (usage.input * 2 + usage.output * 8) * 2 : 0),
  };
  return {
    model,
    snapshot: script.model ?? snapshotFor(model),
    reasoningParts: reasoning,
    text: () => (text !== undefined ? pieces(text, deltaSize) : generated(script.generateBytes ?? 0, deltaSize)),
    textLength,
    finish: script.finish ?? (script.toolCalls?.length ? 'tool_calls' : 'stop'),
    toolCalls: (script.toolCalls ?? []).map((call, index) => ({ id: call.id ?? `call_sim_${index}`, name: call.name, arguments: call.arguments })),
    ...(script.incomplete ? { incomplete: script.incomplete } : {}),
    usage,
    cost,
    deltaSize,
  };
}

function fullText(answer: ResolvedAnswer): string {
  let out = '';
  for (const piece of answer.text()) out += piece;
  return out;
}

function meta(answer: ResolvedAnswer): Json | undefined {
  return answer.cost ? { usage: { credits_used: answer.cost.credits, usd_spent: answer.cost.usd } } : undefined;
}

// ---------------------------------------------------------------------------
// Chat completions

function chatUsageJson(answer: ResolvedAnswer): Json | null {
  const u = answer.usage;
  if (!u) return null;
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function chatCompletionJson(answer: ResolvedAnswer, id: string, created: number): Json {
  const text = fullText(answer);
  const json: Json = {
    id, object: 'chat.completion', created, model: answer.snapshot,
    choices: [{
      index: 0,
      message: {
        role: 'assistant', content: text === '' && answer.toolCalls.length > 0 ? null : text, refusal: null, annotations: [],
        ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) } : {}),
      },
      finish_reason: answer.finish,
    }],
    usage: chatUsageJson(answer),
    system_fingerprint: null,
  };
  const m = meta(answer);
  if (m) json.meta = m;
  return json;
}

export interface SseEvent {
  readonly text: string;
  /** The event carries answer text (used to place a default mid-stream fault). */
  readonly hasText: boolean;
}

function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export function* chatStream(answer: ResolvedAnswer, script: SimScript, body: unknown, id: string, created: number): Iterable<SseEvent> {
  const base = { id, object: 'chat.completion.chunk', created, model: answer.snapshot, system_fingerprint: null };
  const extra = script.unknownEvents ? { obfuscation: 'x9Tq', service_tier: 'default' } : {};
  yield { text: sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], usage: null, ...extra }), hasText: false };
  if (script.unknownEvents) {
    yield { text: ': keep-alive comment\n\n', hasText: false };
    yield { text: sse({ type: 'gateway.heartbeat', at: created }, 'heartbeat'), hasText: false };
  }
  let deltas = 0;
  for (const piece of answer.text()) {
    yield { text: sse({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }], usage: null, ...extra }), hasText: true };
    deltas++;
    if (script.errorEvent && deltas >= (script.errorEvent.afterDeltas ?? 1)) {
      yield { text: sse({ error: { message: script.errorEvent.message, type: 'server_error', param: null, code: script.errorEvent.code ?? 'server_error' } }), hasText: false };
      return;
    }
  }
  if (script.errorEvent && deltas === 0) {
    yield { text: sse({ error: { message: script.errorEvent.message, type: 'server_error', param: null, code: script.errorEvent.code ?? 'server_error' } }), hasText: false };
    return;
  }
  for (const [index, call] of answer.toolCalls.entries()) {
    // As OpenAI streams them: id and name first, then the arguments in pieces.
    const first = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    yield { text: sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [first] }, logprobs: null, finish_reason: null }], usage: null, ...extra }), hasText: false };
    for (const piece of pieces(call.arguments, answer.deltaSize)) {
      yield { text: sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }], usage: null, ...extra }), hasText: false };
    }
  }
  yield { text: sse({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: answer.finish }], usage: null, ...extra }), hasText: false };
  const includeUsage = isRecord(body) && isRecord(body.stream_options) && body.stream_options.include_usage === true;
  if (includeUsage && answer.usage) {
    const chunk: Json = { ...base, choices: [], usage: chatUsageJson(answer) };
    const m = meta(answer);
    if (m) chunk.meta = m;
    yield { text: sse(chunk), hasText: false };
  }
  if (script.done !== false) yield { text: 'data: [DONE]\n\n', hasText: false };
}

// ---------------------------------------------------------------------------
// Responses

function responsesUsageJson(answer: ResolvedAnswer): Json | null {
  const u = answer.usage;
  if (!u) return null;
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

export interface ResponseShape {
  readonly id: string;
  readonly created: number;
  readonly status: 'queued' | 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';
  readonly withOutput: boolean;
}

export function responseJson(answer: ResolvedAnswer, script: SimScript, body: unknown, shape: ResponseShape, text?: string): Json {
  const summary = summaryRequested(body);
  const output: Json[] = [];
  if (shape.withOutput) {
    output.push({
      id: `rs_${shape.id.slice(5)}`, type: 'reasoning',
      summary: summary ? answer.reasoningParts.map((part) => ({ type: 'summary_text', text: part })) : [],
    });
    const content = text ?? fullText(answer);
    if (content !== '' || shape.status === 'completed') {
      output.push({
        id: `msg_${shape.id.slice(5)}`, type: 'message', role: 'assistant', status: shape.status === 'incomplete' ? 'incomplete' : 'completed',
        content: [{ type: 'output_text', text: content, annotations: [], logprobs: [] }],
      });
    }
    for (const call of answer.toolCalls) output.push(functionCallItem(call));
  }
  const record = isRecord(body) ? body : {};
  const json: Json = {
    id: shape.id, object: 'response', created_at: shape.created, status: shape.status,
    background: record.background === true, model: answer.snapshot,
    error: shape.status === 'failed' ? { code: script.failed?.code ?? 'server_error', message: script.failed?.message ?? 'The model failed.' } : null,
    incomplete_details: shape.status === 'incomplete' ? { reason: answer.incomplete ?? 'max_output_tokens' } : null,
    instructions: typeof record.instructions === 'string' ? record.instructions : null,
    max_output_tokens: typeof record.max_output_tokens === 'number' ? record.max_output_tokens : null,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: effortOf(body), summary: summary ? 'detailed' : null },
    store: record.store === true,
    text: { format: { type: 'text' } },
  };
  // Not nullable in the OpenAPI files: left out while unknown (queued, in progress, not reported).
  const usage = shape.withOutput ? responsesUsageJson(answer) : null;
  if (usage) json.usage = usage;
  const m = shape.withOutput ? meta(answer) : undefined;
  if (m) json.meta = m;
  return json;
}

function functionCallItem(call: ResolvedAnswer['toolCalls'][number]): Json {
  return { id: `fc_${call.id}`, type: 'function_call', status: 'completed', call_id: call.id, name: call.name, arguments: call.arguments };
}

export function finalResponseStatus(script: SimScript): 'completed' | 'incomplete' | 'failed' {
  if (script.failed) return 'failed';
  if (script.incomplete) return 'incomplete';
  return 'completed';
}

export function* responsesStream(answer: ResolvedAnswer, script: SimScript, body: unknown, id: string, created: number): Iterable<SseEvent> {
  let seq = 0;
  const ev = (type: string, fields: Json, hasText = false): SseEvent => ({ text: sse({ type, sequence_number: seq++, ...fields }, type), hasText });
  const shell = (status: ResponseShape['status']): Json => responseJson(answer, script, body, { id, created, status, withOutput: false });
  yield ev('response.created', { response: shell('in_progress') });
  yield ev('response.in_progress', { response: shell('in_progress') });
  if (script.unknownEvents) {
    yield ev('response.future_feature.delta', { delta: 'ignore me', item_id: 'x' });
    yield { text: ': comment line\n\n', hasText: false };
    yield { text: sse({ type: 'keepalive' }, 'keepalive'), hasText: false };
  }
  const rsId = `rs_${id.slice(5)}`;
  const msgId = `msg_${id.slice(5)}`;
  yield ev('response.output_item.added', { output_index: 0, item: { id: rsId, type: 'reasoning', summary: [] } });
  if (summaryRequested(body)) {
    for (let summaryIndex = 0; summaryIndex < answer.reasoningParts.length; summaryIndex++) {
      const part = answer.reasoningParts[summaryIndex];
      const common = { item_id: rsId, output_index: 0, summary_index: summaryIndex };
      yield ev('response.reasoning_summary_part.added', { ...common, part: { type: 'summary_text', text: '' } });
      for (const piece of pieces(part, answer.deltaSize)) yield ev('response.reasoning_summary_text.delta', { ...common, delta: piece });
      yield ev('response.reasoning_summary_text.done', { ...common, text: part });
      yield ev('response.reasoning_summary_part.done', { ...common, part: { type: 'summary_text', text: part } });
    }
  }
  yield ev('response.output_item.done', { output_index: 0, item: { id: rsId, type: 'reasoning', summary: [] } });
  yield ev('response.output_item.added', { output_index: 1, item: { id: msgId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
  yield ev('response.content_part.added', { item_id: msgId, output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
  let deltas = 0;
  const keep = !script.generateBytes; // keep the text for the final events only when it is small
  let kept = '';
  for (const piece of answer.text()) {
    if (keep) kept += piece;
    yield ev('response.output_text.delta', { item_id: msgId, output_index: 1, content_index: 0, delta: piece, logprobs: [] }, true);
    deltas++;
    if (script.errorEvent && deltas >= (script.errorEvent.afterDeltas ?? 1)) {
      yield ev('error', { code: script.errorEvent.code ?? 'server_error', message: script.errorEvent.message, param: null });
      return;
    }
  }
  if (script.errorEvent) {
    yield ev('error', { code: script.errorEvent.code ?? 'server_error', message: script.errorEvent.message, param: null });
    return;
  }
  yield ev('response.output_text.done', { item_id: msgId, output_index: 1, content_index: 0, text: kept, logprobs: [] });
  yield ev('response.content_part.done', { item_id: msgId, output_index: 1, content_index: 0, part: { type: 'output_text', text: kept, annotations: [], logprobs: [] } });
  yield ev('response.output_item.done', { output_index: 1, item: { id: msgId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: kept, annotations: [] }] } });
  for (const [offset, call] of answer.toolCalls.entries()) {
    const outputIndex = 2 + offset;
    yield ev('response.output_item.added', { output_index: outputIndex, item: { ...functionCallItem(call), arguments: '', status: 'in_progress' } });
    for (const piece of pieces(call.arguments, answer.deltaSize)) {
      yield ev('response.function_call_arguments.delta', { item_id: `fc_${call.id}`, output_index: outputIndex, delta: piece });
    }
    yield ev('response.function_call_arguments.done', { item_id: `fc_${call.id}`, output_index: outputIndex, arguments: call.arguments });
    yield ev('response.output_item.done', { output_index: outputIndex, item: functionCallItem(call) });
  }
  const status = finalResponseStatus(script);
  const final = responseJson(answer, script, body, { id, created, status, withOutput: true }, kept);
  const terminal = status === 'completed' ? 'response.completed' : status === 'incomplete' ? 'response.incomplete' : 'response.failed';
  yield ev(terminal, { response: final });
  if (script.done === true) yield { text: 'data: [DONE]\n\n', hasText: false };
}

// ---------------------------------------------------------------------------
// Errors

const DEFAULT_MESSAGES: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Invalid value for field “messages”.', type: 'invalid_request_error', code: 'invalid_value' },
  401: { message: 'Invalid API key provided. Check your key on aimlapi.com.', type: 'authentication_error', code: 'invalid_api_key' },
  403: { message: 'You have run out of credits. Top up your balance to continue.', type: 'insufficient_quota', code: 'insufficient_credits' },
  404: { message: 'The model does not exist or the path is wrong.', type: 'invalid_request_error', code: 'model_not_found' },
  405: { message: 'Method not allowed.', type: 'invalid_request_error', code: 'method_not_allowed' },
  429: { message: 'Rate limit reached for requests. Please try again later.', type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  500: { message: 'Upstream returned 400: Unsupported parameter.', type: 'server_error', code: 'internal_error' },
  502: { message: 'Bad gateway: the upstream model did not answer.', type: 'server_error', code: 'bad_gateway' },
  503: { message: 'The upstream service is temporarily unavailable.', type: 'server_error', code: 'service_unavailable' },
  504: { message: 'Generation timed out.', type: 'server_error', code: 'gateway_timeout' },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export interface ErrorBody {
  readonly contentType: string | undefined;
  readonly text: string;
}

export function errorBody(status: number, shape: SimErrorShape, opts: { message?: string; code?: string; type?: string; param?: string; path: string; requestId: string; raw?: string; contentType?: string }): ErrorBody {
  if (opts.raw !== undefined) return { contentType: opts.contentType ?? 'text/plain', text: opts.raw };
  const defaults = DEFAULT_MESSAGES[status] ?? { message: `HTTP ${status}`, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  const message = opts.message ?? defaults.message;
  switch (shape) {
    case 'openai':
      return {
        contentType: 'application/json',
        text: JSON.stringify({ error: { message, type: opts.type ?? defaults.type, param: opts.param ?? null, code: opts.code ?? defaults.code } }),
      };
    case 'gateway':
      return {
        contentType: 'application/json',
        text: JSON.stringify({ message, path: opts.path, requestId: opts.requestId, statusCode: status, timestamp: new Date().toISOString() }),
      };
    case 'title':
      return { contentType: 'application/problem+json', text: JSON.stringify({ title: STATUS_TEXT[status] ?? `HTTP ${status}`, status, message }) };
    case 'html': {
      const title = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
      return {
        contentType: 'text/html',
        text: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
      };
    }
    case 'text':
      return { contentType: 'text/plain', text: message };
    case 'empty':
      return { contentType: undefined, text: '' };
  }
}
