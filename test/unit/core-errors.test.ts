import * as assert from 'node:assert/strict';
import { emptyAnswerMessage, truncatedAnswerMessage } from '../../src/core/common/answerNotices';
import { ApiError, isApiError, kindForStatus } from '../../src/core/common/errors';
import { redact, redactKey } from '../../src/core/common/redact';
import { errorFromHttp, extractServerError, inBandError, isStreamRefusal, parseRetryAfter } from '../../src/core/node/httpErrors';
import { errorFromTransport } from '../../src/core/node/transportErrors';

describe('core/errors: ApiError across copies of the module', () => {
  it('recognises an ApiError made by another copy of the class (another bundle), and nothing else', () => {
    const fromAnotherCopy = Object.assign(new Error('rejected'), { [Symbol.for('reasoner.ApiError')]: true, kind: 'auth' });
    assert.equal(isApiError(new ApiError({ kind: 'auth' })), true);
    assert.equal(isApiError(fromAnotherCopy), true);
    assert.equal(isApiError(Object.assign(new Error('x'), { kind: 'auth', name: 'ApiError' })), false);
    assert.equal(isApiError(undefined), false);
  });
});

describe('core/errors: server messages from every body shape', () => {
  it('reads OpenAI, gateway and title shapes', () => {
    assert.deepEqual(extractServerError('{"error":{"message":"Unsupported parameter: max_tokens","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}'), {
      message: 'Unsupported parameter: max_tokens', code: 'unsupported_parameter', type: 'invalid_request_error', param: 'max_tokens', requestId: undefined,
    });
    const gateway = extractServerError('{"message":"Insufficient credits","path":"/v1/chat/completions","requestId":"req-77","statusCode":403,"timestamp":"2026-01-01T00:00:00Z"}');
    assert.equal(gateway.message, 'Insufficient credits');
    assert.equal(gateway.requestId, 'req-77');
    assert.equal(extractServerError('{"title":"Forbidden","status":403,"message":"No credits left"}').message, 'Forbidden: No credits left');
    assert.equal(extractServerError('{"error":"plain string"}').message, 'plain string');
  });

  it('an error inside a 200 answer is read by the same code as an HTTP error body, in every shape', () => {
    const shapes: Record<string, unknown>[] = [
      { error: { message: 'Rate limited  upstream', type: 'rate_limit_error', param: 'model', code: 'rate_limit_exceeded' } },
      { message: 'Insufficient credits', path: '/v1/responses', requestId: 'req-9', statusCode: 403, code: 'insufficient_quota' },
      { title: 'Forbidden', status: 403, message: 'No credits left' },
      { error: 'plain string' },
      { detail: 'only a detail', type: 'invalid_request_error' },
      { message: 'x'.repeat(5000), code: 'server_error' },
    ];
    for (const shape of shapes) {
      const http = extractServerError(JSON.stringify(shape));
      const inBand = inBandError(shape, 'fallback');
      assert.equal(inBand.serverMessage, http.message, JSON.stringify(shape).slice(0, 80));
      assert.equal(inBand.code, http.code ?? http.type);
      assert.equal(inBand.param, http.param);
    }
    assert.equal(inBandError({ error: { message: 'm', code: 'rate_limit_exceeded' } }, 'f').kind, 'rate-limit');
    assert.equal(inBandError({ message: 'gone', statusCode: 503 }, 'f').detail, 'in-band status 503');
    assert.equal(inBandError('a bare string', 'f').serverMessage, 'a bare string');
    assert.equal(inBandError({ code: 'server_error' }, 'The model failed to answer.').serverMessage, 'The model failed to answer.');
  });

  it('summarises HTML pages and keeps empty bodies empty', () => {
    const html = extractServerError('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>', 'text/html');
    assert.equal(html.html, true);
    assert.equal(html.message, 'the proxy returned an HTML page: 502 Bad Gateway');
    assert.match(extractServerError('<!DOCTYPE html><body><p>Upstream &amp; proxy failed</p></body>').message ?? '', /HTML page: Upstream & proxy failed/);
    assert.deepEqual(extractServerError(''), {});
    assert.deepEqual(extractServerError('   \n'), {});
    assert.equal(extractServerError('upstream connect error').message, 'upstream connect error');
  });

  it('maps statuses to kinds and user messages that say what to do', () => {
    const cases: [number, string, RegExp, string][] = [
      [400, 'bad-request', /refused the request/, 'openLog'],
      [401, 'auth', /rejected your API key.*Set API Key/, 'setApiKey'],
      [403, 'credits', /lack of credits.*not a problem with your key.*billing/, 'openBilling'],
      [404, 'not-found', /reasoner\.baseUrl and the model id/, 'openSettings'],
      [429, 'rate-limit', /rate limiting/, 'retry'],
      [500, 'server', /upstream model failed/, 'retry'],
      [502, 'server', /upstream model failed/, 'retry'],
      [503, 'server', /upstream model failed/, 'retry'],
      [504, 'gateway-timeout', /timed out at the gateway.*lower reasoning effort/, 'lowerEffort'],
    ];
    for (const [status, kind, message, action] of cases) {
      const error = errorFromHttp({ status, bodyText: '{"error":{"message":"server says hi"}}', model: 'o3' });
      assert.equal(error.kind, kind, String(status));
      assert.equal(kindForStatus(status), kind);
      assert.match(error.userMessage, message, String(status));
      assert.match(error.userMessage, /server says hi/, 'the server message is shown');
      assert.ok(error.actions.includes(action as never), `${status} offers ${action}`);
    }
  });

  it('keeps the request id from the header, else from the body', () => {
    assert.equal(errorFromHttp({ status: 500, headers: { 'x-request-id': 'hdr-1' }, bodyText: '{"message":"x","requestId":"body-1"}' }).requestId, 'hdr-1');
    assert.equal(errorFromHttp({ status: 500, bodyText: '{"message":"x","requestId":"body-1"}' }).requestId, 'body-1');
  });

  it('parses retry-after-ms, Retry-After seconds and HTTP dates, capped at 60 s', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter({ 'retry-after-ms': '250' }, now), 250);
    assert.equal(parseRetryAfter({ 'retry-after': '2' }, now), 2000);
    assert.equal(parseRetryAfter({ 'retry-after': '1.5' }, now), 1500);
    assert.equal(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now), 5000);
    assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now), 0);
    assert.equal(parseRetryAfter({ 'retry-after': '3600' }, now), 60_000);
    assert.equal(parseRetryAfter({ 'retry-after-ms': '999999' }, now), 60_000);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(parseRetryAfter({}, now), undefined);
    assert.equal(parseRetryAfter({ 'retry-after-ms': '100', 'retry-after': '9' }, now), 100, 'ms wins');
  });

  it('recognises a refusal of stream and nothing else', () => {
    const refusal = (fields: object) => new ApiError({ kind: 'bad-request', status: 400, ...fields });
    assert.equal(isStreamRefusal(refusal({ param: 'stream' })), true);
    assert.equal(isStreamRefusal(refusal({ serverMessage: "Unsupported value: 'stream' does not support true with this model." })), true);
    assert.equal(isStreamRefusal(refusal({ serverMessage: 'Invalid value for messages' })), false);
    assert.equal(isStreamRefusal(refusal({ serverMessage: 'streaming is fine' })), false);
    assert.equal(isStreamRefusal(new ApiError({ kind: 'server', status: 500, param: 'stream' })), false);
  });

  it('classifies transport failures', () => {
    const timeout = Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' });
    assert.equal(errorFromTransport(timeout, { aborted: false, timeoutSeconds: 0.3 }).kind, 'timeout');
    assert.match(errorFromTransport(timeout, { aborted: false, timeoutSeconds: 900 }).userMessage, /900 s between bytes/);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const net = errorFromTransport(refused, { aborted: false, url: 'http://127.0.0.1:1/v1/chat/completions' });
    assert.equal(net.kind, 'network');
    assert.match(net.userMessage, /connection refused/);
    assert.equal(errorFromTransport(refused, { aborted: true }).kind, 'cancelled');
  });

  it('explains an empty answer cut at the token limit, and a truncated one', () => {
    assert.match(emptyAnswerMessage('length', '', { maxOutputTokens: 500, effort: 'high', reasoningTokens: 500 }) ?? '',
      /whole output budget of 500 on reasoning \(500 reasoning tokens\).*Raise reasoner\.maxOutputTokens or lower the reasoning effort/);
    assert.ok(emptyAnswerMessage('incomplete:max_output_tokens', '  '));
    assert.equal(emptyAnswerMessage('length', 'partial'), undefined);
    assert.equal(emptyAnswerMessage('stop', ''), undefined);
    assert.match(truncatedAnswerMessage('length', 'partial') ?? '', /cut off/);
  });

  it('redacts a secret everywhere in a string', () => {
    assert.equal(redact('Bearer sk-abc123 and sk-abc123', 'sk-abc123'), 'Bearer *** and ***');
  });

  it('takes the key out of foreign text: with its Bearer, and its start where the text was cut off', () => {
    const key = 'sk-abc123def456';
    assert.equal(redactKey(`Bearer ${key}, bearer  ${key}; ${key}!`, key), '[redacted key], [redacted key]; [redacted key]!');
    assert.equal(redactKey('“Denied: Bearer sk-abc12…”. Try again.', key), '“Denied: [redacted key]…”. Try again.');
    assert.equal(redactKey('cut: sk-abc1… and sk-abc1… again', key), 'cut: [redacted key]… and [redacted key]… again');
    assert.equal(redactKey('too short to tell: sk-… and nothing else…', key), 'too short to tell: sk-… and nothing else…');
    assert.equal(redactKey('no key here', key), 'no key here');
  });
});

describe('core/errors: a copy of an error with some facts changed', () => {
  it('keeps a message and actions the error was given on purpose, with the new facts', () => {
    const lost = new ApiError({
      kind: 'not-found', status: 404, serverMessage: 'No response found.',
      userMessage: 'The gateway no longer knows this background answer. Your question is kept: ask again.', actions: ['retry'],
    });
    const copy = lost.with({ requestId: 'req-7' });
    assert.equal(copy.userMessage, lost.userMessage);
    assert.deepEqual(copy.actions, ['retry']);
    assert.equal(copy.requestId, 'req-7');
    assert.equal(copy.status, 404);
    assert.equal(copy.serverMessage, 'No response found.');
  });

  it('writes a generated message again from the changed facts, and keeps every fact it was not told to change', () => {
    const cause = new Error('socket hang up');
    const limited = new ApiError({
      kind: 'rate-limit', status: 429, serverMessage: 'Slow down', code: 'rate_limit_exceeded', type: 'requests', param: 'model',
      requestId: 'req-1', retryAfterMs: 2000, detail: 'POST /v1/chat/completions', cause, model: 'o3',
    });
    const after = limited.with({ attempts: 3 });
    assert.match(after.userMessage, /after 3 attempts/);
    assert.doesNotMatch(limited.userMessage, /attempts/);
    for (const field of ['kind', 'status', 'serverMessage', 'code', 'type', 'param', 'requestId', 'retryAfterMs', 'detail', 'model', 'actions'] as const) {
      assert.deepEqual(after[field], limited[field], field);
    }
    assert.equal(after.cause, cause);
  });

  it('a copy without the key keeps the error\'s own actions and every other fact', () => {
    const key = 'sk-live-0123456789abcdef';
    const echoed = new ApiError({ kind: 'auth', status: 401, serverMessage: `Bad key ${key}`, actions: ['setApiKey'], attempts: 2 });
    const clean = echoed.withoutKey(key);
    assert.doesNotMatch(`${clean.userMessage} ${clean.serverMessage ?? ''}`, /0123456789abcdef/);
    assert.deepEqual(clean.actions, ['setApiKey']);
    assert.equal(clean.attempts, 2);
    assert.equal(clean.status, 401);
  });
});
