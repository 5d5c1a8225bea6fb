/**
 * One exchange with the gateway: POST the request, handle the status (redirects are refused,
 * errors are read into an ApiError), then the answer: streamed (SSE), one JSON document, or
 * a background response that is polled. Retrying and falling back is the caller's job.
 */

import { ApiError } from '../common/errors';
import type { BuiltRequest } from '../common/requests';
import type { ReasoningRequest, StreamEvent } from '../common/types';
import type { BackgroundResponses, PollOutcome } from './background';
import type { Call } from './call';
import { extractServerError, headerValue, type HeaderBag } from './httpErrors';
import { chatCompletionEvents, responseEvents, responseStatus } from './stream';
import { readStream } from './streamReader';
import { discardBody, endpoint, type Response, type Transport } from './transport';

/** One exchange's outcome when it did not end with a terminal event. */
export type AttemptOutcome =
  | PollOutcome
  | { readonly kind: 'error'; readonly error: ApiError; readonly beforeResponse: boolean };

export interface AttemptContext {
  readonly transport: Transport;
  readonly background: BackgroundResponses;
}

export async function* attempt(
  { transport, background }: AttemptContext, built: BuiltRequest, request: ReasoningRequest, call: Call, baseUrl: string,
): AsyncGenerator<StreamEvent, AttemptOutcome, undefined> {
  const url = endpoint(baseUrl, built.path);
  const payload = JSON.stringify(built.body);
  const mode = built.background ? 'background' : built.stream ? 'stream' : 'no-stream';
  call.log('info', `→ POST ${url.href} model=${request.model.model} (${call.label}) ${mode} effort=${request.effort} turns=${request.turns.length} ${payload.length} bytes`);
  // Debug level shows the whole body, code context included; the key is a header, never in it.
  call.log('debug', `  body: ${payload}`);
  let response: Response;
  try {
    response = yield* call.waitFor(transport.send(call, url, 'POST', payload, built.stream ? 'text/event-stream' : 'application/json'),
      () => `Waiting for ${call.label}…`);
  } catch (caught) {
    const error = await transport.explainCertificate(transport.failure(caught, call, url, 'before the answer started'), url);
    return { kind: 'error', error, beforeResponse: true };
  }
  const headers = response.headers as HeaderBag;
  const requestId = headerValue(headers, 'x-request-id');
  if (requestId) call.requestId = requestId;
  call.log('info', `← ${response.statusCode} ${built.path}${requestId ? ` request ${requestId}` : ''} after ${call.elapsed()} ms`);

  if (response.statusCode >= 300 && response.statusCode < 400) {
    await discardBody(response.body);
    const location = headerValue(headers, 'location');
    return {
      kind: 'error', beforeResponse: false,
      error: new ApiError({
        kind: 'config', status: response.statusCode, requestId,
        userMessage: `The gateway redirected the request${location ? ` to ${safeHost(location)}` : ''}. Reasoner does not follow redirects, so your key only goes to reasoner.baseUrl: check that setting.`,
      }),
    };
  }
  if (response.statusCode >= 400) {
    const error = await transport.readError(response, call, url);
    return { kind: 'error', error, beforeResponse: true };
  }

  const contentType = headerValue(headers, 'content-type') ?? '';
  // A proxy's login or error page comes as a 200 text/html: read it as a page, never as an event stream.
  const isHtml = /text\/html/i.test(contentType);
  const isSse = !isHtml && (/text\/event-stream/i.test(contentType) || (!/json/i.test(contentType) && built.stream));
  if (isSse) {
    yield* readStream(response.body, built, call, url, transport);
    return { kind: 'done' };
  }
  let text: string;
  try {
    text = yield* transport.readText(response.body, call, () => `Waiting for ${call.label}…`);
  } catch (caught) {
    throw transport.failure(caught, call, url, 'while reading the answer');
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    const page = isHtml || /^\s*</.test(text) ? extractServerError(text, 'text/html') : undefined;
    throw new ApiError({
      kind: 'protocol', requestId,
      detail: page ? 'the gateway answered with an HTML page instead of JSON' : 'the answer was not JSON',
      ...(page?.message ? { serverMessage: page.message } : {}),
    });
  }
  const bodyId = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
  call.requestId ??= typeof bodyId === 'string' ? bodyId : undefined;
  yield { type: 'request', requestId: call.requestId, api: built.api, url: url.href };
  const ctx = call.toolCallContext();
  if (built.api === 'chat') {
    yield* call.emitFinal(chatCompletionEvents(json, ctx));
    return { kind: 'done' };
  }
  const status = responseStatus(json);
  if ((status === 'queued' || status === 'in_progress') && typeof bodyId === 'string') {
    if (!built.background) call.log('warn', `The gateway answered “${status}” to a request that was not in background mode; polling.`);
    yield { type: 'background', responseId: bodyId };
    return yield* background.poll(bodyId, call, baseUrl);
  }
  yield* call.emitFinal(responseEvents(json, ctx));
  return { kind: 'done' };
}

function safeHost(location: string): string {
  try {
    return new URL(location).host;
  } catch {
    return 'another address';
  }
}
