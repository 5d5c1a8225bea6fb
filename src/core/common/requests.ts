/**
 * A conversation -> the exact body each API expects.
 *
 * Chat completions (o1, o3, o3-mini): `messages` with a `developer` message for instructions,
 * `max_completion_tokens`, `reasoning_effort`, `stream` + `stream_options.include_usage`.
 * Responses (o3-pro): `instructions`, `input` as `{role, content}` messages,
 * `max_output_tokens` (>= 16), `reasoning: {effort, summary}`, `stream`, `store`/`background`.
 *
 * Bodies are built field by field, so nothing else can slip in: never `max_tokens`,
 * `temperature`, `top_p`, penalties, `logprobs` or a `system` role (reasoning models answer 400).
 */

import { ApiError } from './errors';
import { effectiveMaxOutputTokens, type ModelInfo } from './models';
import { DEFINITIONS_INTRO, definitionHeading, isDefinition } from './context';
import type { CodeContext, ImageInput, ModelApi, ReasoningEffort, ReasoningRequest, ToolCall, ToolResult, ToolSpec, Turn } from './types';

// ---------------------------------------------------------------------------
// Body types

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto' } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'developer' | 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content?: string | ChatContentPart[]; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatCompletionsBody {
  model: string;
  messages: ChatMessage[];
  reasoning_effort: ReasoningEffort;
  max_completion_tokens?: number;
  stream?: true;
  stream_options?: { include_usage: true };
  tools?: { type: 'function'; function: { name: string; description: string; parameters: object } }[];
  tool_choice?: 'auto' | 'required';
}

export type ResponsesContentPart =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail: 'low' | 'high' | 'auto' };

export type ResponsesInputMessage =
  | { role: 'user' | 'assistant'; content: string | ResponsesContentPart[] }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; call_id: string; output: string };

export interface ResponsesBody {
  model: string;
  input: ResponsesInputMessage[];
  tools?: { type: 'function'; name: string; description: string; parameters: object; strict: false }[];
  tool_choice?: 'auto' | 'required';
  instructions?: string;
  max_output_tokens?: number;
  reasoning: { effort: ReasoningEffort; summary?: 'auto' };
  stream?: true;
  store?: true;
  background?: true;
}

export type RequestBody = ChatCompletionsBody | ResponsesBody;

/** Fields that must never be sent to a reasoning model (the gateway's OpenAPI files list some of them). */
export const FORBIDDEN_FIELDS: readonly string[] = Object.freeze([
  'max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias',
]);

/** Forbidden top-level fields present in a body, plus `role:system` wherever it appears. For tests and the simulator. */
export function forbiddenFieldsIn(body: unknown): string[] {
  const found: string[] = [];
  if (typeof body !== 'object' || body === null) return found;
  const record = body as Record<string, unknown>;
  for (const field of FORBIDDEN_FIELDS) if (field in record) found.push(field);
  for (const list of [record.messages, record.input]) {
    if (Array.isArray(list) && list.some((m) => typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'system')) {
      found.push('role:system');
    }
  }
  if (record.input !== undefined && 'stream_options' in record) found.push('stream_options');
  return found;
}

// ---------------------------------------------------------------------------
// Rendering turns

/** A backtick fence longer than any backtick run inside `code`. */
export function fenceFor(code: string): string {
  let longest = 0;
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function lineCount(text: string): number {
  const trimmed = text.replace(/\r?\n$/, '');
  return trimmed === '' ? 0 : trimmed.split(/\r?\n/).length;
}

/** Code in a Markdown fence that nothing inside it can close; the language tag loses spaces and backticks. */
export function fencedBlock(code: string, language = ''): string {
  const body = code.replace(/\r?\n$/, '');
  const fence = fenceFor(body);
  return `${fence}${language.replace(/[\s`]/g, '')}\n${body}\n${fence}`;
}

function range(start: number, end: number): string {
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}

/**
 * Code attached to a turn as Markdown: a header with file name, language and line range,
 * then the code in a fence; surrounding lines (when given) in their own fences, marked as context.
 */
export function renderCodeContext(ctx: CodeContext): string {
  const language = ctx.languageId.trim();
  if (isDefinition(ctx)) return `${definitionHeading(ctx)}:\n${fencedBlock(ctx.code, language)}`;
  const start = ctx.startLine;
  const end = ctx.endLine ?? (start !== undefined ? start + Math.max(lineCount(ctx.code), 1) - 1 : undefined);
  const where = start !== undefined && end !== undefined ? `, ${range(start, end)}` : ' (whole file)';
  const header = `File \`${ctx.fileName}\`${language ? ` (${language})` : ''}${where}`;
  const parts: string[] = [];
  const before = ctx.before && lineCount(ctx.before) > 0 ? ctx.before : undefined;
  const after = ctx.after && lineCount(ctx.after) > 0 ? ctx.after : undefined;
  if (!before && !after) {
    parts.push(`${header}:`, fencedBlock(ctx.code, language));
    return parts.join('\n');
  }
  parts.push(`${header}.`);
  if (before) {
    const n = lineCount(before);
    const label = start !== undefined ? `${range(Math.max(1, start - n), start - 1)}, before the selection` : 'Lines before the selection';
    parts.push(`Context (${label}):`, fencedBlock(before, language));
  }
  parts.push(`Selected${start !== undefined && end !== undefined ? ` (${range(start, end)})` : ''}:`, fencedBlock(ctx.code, language));
  if (after) {
    const n = lineCount(after);
    const label = end !== undefined ? `${range(end + 1, end + n)}, after the selection` : 'Lines after the selection';
    parts.push(`Context (${label}):`, fencedBlock(after, language));
  }
  return parts.join('\n');
}

/** The text of a turn as sent: the message, then each attached piece of code. */
export function renderTurn(turn: Turn): string {
  const pieces: string[] = [];
  if (turn.text.trim() !== '') pieces.push(turn.text.trim());
  // The code asked about first, then the definitions it uses, introduced once.
  const context = turn.context ?? [];
  for (const ctx of context) if (!isDefinition(ctx)) pieces.push(renderCodeContext(ctx));
  const definitions = context.filter(isDefinition);
  if (definitions.length > 0) pieces.push(DEFINITIONS_INTRO, ...definitions.map(renderCodeContext));
  return pieces.join('\n\n');
}

// ---------------------------------------------------------------------------
// Bodies

export interface BuildOptions {
  /** Overrides `request.stream` (used for the non-streaming resend). */
  readonly stream?: boolean;
  /** Start in background mode (responses API). Defaults to `request.background` when the model supports it. */
  readonly background?: boolean;
}

export interface BuiltRequest {
  readonly api: ModelApi;
  /** Relative to the base URL. */
  readonly path: '/chat/completions' | '/responses';
  readonly body: RequestBody;
  readonly stream: boolean;
  readonly background: boolean;
}

interface PreparedTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly images: readonly ImageInput[];
  readonly toolCalls: readonly ToolCall[];
  readonly toolResults: readonly ToolResult[];
}

function prepareTurns(request: ReasoningRequest): PreparedTurn[] {
  const model = request.model;
  const turns: PreparedTurn[] = [];
  for (const turn of request.turns) {
    const images = turn.role === 'user' ? turn.images ?? [] : [];
    if (images.length > 0 && !model.capabilities.imageInput) {
      throw new ApiError({
        kind: 'config',
        userMessage: `${model.label} does not take images. Remove the image or switch to a model that takes images.`,
        actions: ['switchModel'],
      });
    }
    const text = renderTurn(turn);
    const toolCalls = turn.role === 'assistant' ? turn.toolCalls ?? [] : [];
    const toolResults = turn.role === 'user' ? turn.toolResults ?? [] : [];
    // An empty assistant turn (a failed or cancelled answer) would be refused: leave it out.
    if (text === '' && images.length === 0 && toolCalls.length === 0 && toolResults.length === 0) continue;
    turns.push({ role: turn.role, text, images, toolCalls, toolResults });
  }
  if (!turns.some((t) => t.role === 'user')) {
    throw new ApiError({ kind: 'bad-request', userMessage: 'There is nothing to send: the conversation has no user message.', actions: [] });
  }
  return turns;
}

function chatContent(turn: PreparedTurn): string | ChatContentPart[] {
  if (turn.images.length === 0) return turn.text;
  const parts: ChatContentPart[] = [];
  if (turn.text !== '') parts.push({ type: 'text', text: turn.text });
  for (const image of turn.images) {
    parts.push({ type: 'image_url', image_url: image.detail ? { url: image.url, detail: image.detail } : { url: image.url } });
  }
  return parts;
}

/** A turn's messages: tool results first (answering the previous turn's calls), then its own message. */
function chatMessages(turn: PreparedTurn): ChatMessage[] {
  if (turn.role === 'assistant') {
    if (turn.toolCalls.length === 0) return [{ role: 'assistant', content: chatContent(turn) }];
    // The gateway's schema takes no null content: a turn that only called tools has none.
    return [{
      role: 'assistant', ...(turn.text === '' ? {} : { content: turn.text }),
      tool_calls: turn.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
    }];
  }
  const messages: ChatMessage[] = turn.toolResults.map((result) => ({ role: 'tool', tool_call_id: result.callId, content: result.text }));
  if (turn.text !== '' || turn.images.length > 0) messages.push({ role: 'user', content: chatContent(turn) });
  return messages;
}

function responsesContent(turn: PreparedTurn): string | ResponsesContentPart[] {
  if (turn.images.length === 0) return turn.text;
  const parts: ResponsesContentPart[] = [];
  if (turn.text !== '') parts.push({ type: 'input_text', text: turn.text });
  for (const image of turn.images) parts.push({ type: 'input_image', image_url: image.url, detail: image.detail ?? 'auto' });
  return parts;
}

function responsesItems(turn: PreparedTurn): ResponsesInputMessage[] {
  const items: ResponsesInputMessage[] = turn.toolResults.map((result) => ({ type: 'function_call_output', call_id: result.callId, output: result.text }));
  if (turn.text !== '' || turn.images.length > 0) items.push({ role: turn.role, content: responsesContent(turn) });
  for (const call of turn.toolCalls) items.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
  return items;
}

const NO_PARAMETERS = { type: 'object', properties: {} };

function toolParameters(tool: ToolSpec): object {
  return tool.parameters ?? NO_PARAMETERS;
}

/** The chat completions body (o1, o3, o3-mini and user models with `api: "chat"`). */
export function buildChatBody(request: ReasoningRequest, opts: BuildOptions = {}): ChatCompletionsBody {
  const model = request.model;
  const messages: ChatMessage[] = [];
  const instructions = request.instructions?.trim();
  if (instructions) messages.push({ role: 'developer', content: instructions });
  for (const turn of prepareTurns(request)) messages.push(...chatMessages(turn));
  const body: ChatCompletionsBody = { model: model.model, messages, reasoning_effort: request.effort };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: toolParameters(tool) } }));
    if (request.toolChoice) body.tool_choice = request.toolChoice;
  }
  const max = effectiveMaxOutputTokens(model, request.maxOutputTokens);
  if (max !== undefined) body.max_completion_tokens = max;
  if (opts.stream ?? request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** The responses body (o3-pro and user models with `api: "responses"`). */
export function buildResponsesBody(request: ReasoningRequest, opts: BuildOptions = {}): ResponsesBody {
  const model = request.model;
  const background = opts.background ?? (request.background === true && model.capabilities.background);
  const body: ResponsesBody = {
    model: model.model,
    input: prepareTurns(request).flatMap(responsesItems),
    reasoning: { effort: request.effort },
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: toolParameters(tool), strict: false }));
    if (request.toolChoice) body.tool_choice = request.toolChoice;
  }
  const instructions = request.instructions?.trim();
  if (instructions) body.instructions = instructions;
  const max = effectiveMaxOutputTokens(model, request.maxOutputTokens);
  if (max !== undefined) body.max_output_tokens = max;
  if (request.reasoningSummary && model.capabilities.reasoningSummary) body.reasoning.summary = 'auto';
  if (background) {
    // Background answers are fetched by polling, never streamed here.
    body.background = true;
    body.store = true;
  } else if (opts.stream ?? request.stream) {
    body.stream = true;
  }
  return body;
}

/** The path and body for a request, by the model's API. Throws ApiError (config/bad-request) for impossible requests. */
export function buildRequest(request: ReasoningRequest, opts: BuildOptions = {}): BuiltRequest {
  const model: ModelInfo = request.model;
  if (model.api === 'chat') {
    const body = buildChatBody(request, opts);
    return { api: 'chat', path: '/chat/completions', body, stream: body.stream === true, background: false };
  }
  const body = buildResponsesBody(request, opts);
  return { api: 'responses', path: '/responses', body, stream: body.stream === true, background: body.background === true };
}
