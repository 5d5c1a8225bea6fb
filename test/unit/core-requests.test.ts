import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/core/common/errors';
import { parseUserModels, type ModelInfo } from '../../src/core/common/models';
import {
  buildChatBody, buildRequest, buildResponsesBody, fenceFor, FORBIDDEN_FIELDS, forbiddenFieldsIn, renderCodeContext, renderTurn,
} from '../../src/core/common/requests';
import type { ReasoningRequest, Turn } from '../../src/core/common/types';
import { model, request } from './support-core/harness';
import { bodyValidator, validatorForModel } from './support-core/openapi';

const HISTORY: Turn[] = [
  {
    role: 'user',
    text: 'Why does this loop never end?',
    context: [{ fileName: 'src/loop.ts', languageId: 'typescript', code: 'while (i < n) {\n  work(i);\n}', startLine: 10, endLine: 12, before: 'let i = 0;\n', after: 'return i;\n' }],
  },
  { role: 'assistant', text: '`i` is never incremented.' },
  { role: 'user', text: 'Fix it.' },
];

function conv(id: string | ModelInfo, overrides: Partial<ReasoningRequest> = {}): ReasoningRequest {
  return request(id, { instructions: 'You review code.', turns: HISTORY, effort: 'high', maxOutputTokens: 4000, reasoningSummary: true, ...overrides });
}

function assertNoForbidden(body: object): void {
  for (const field of ['max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logprobs']) {
    assert.equal(field in body, false, `${field} must not be sent`);
  }
  const list = (body as { messages?: { role: string }[]; input?: { role: string }[] }).messages ?? (body as { input?: { role: string }[] }).input ?? [];
  assert.equal(list.some((m) => m.role === 'system'), false, 'no system role');
}

describe('core/requests: code context rendering', () => {
  it('renders file name, language, line range and surrounding lines in fences', () => {
    const text = renderCodeContext(HISTORY[0].context![0]);
    assert.equal(text, [
      'File `src/loop.ts` (typescript), lines 10–12.',
      'Context (line 9, before the selection):',
      '```typescript\nlet i = 0;\n```',
      'Selected (lines 10–12):',
      '```typescript\nwhile (i < n) {\n  work(i);\n}\n```',
      'Context (line 13, after the selection):',
      '```typescript\nreturn i;\n```',
    ].join('\n'));
  });

  it('uses a longer fence when the code contains backticks, and handles whole files', () => {
    assert.equal(fenceFor('a ``` b'), '````');
    const text = renderCodeContext({ fileName: 'README.md', languageId: 'markdown', code: '```js\nx\n```' });
    assert.equal(text, 'File `README.md` (markdown) (whole file):\n````markdown\n```js\nx\n```\n````');
  });

  it('puts the message first, then the attached code', () => {
    const text = renderTurn(HISTORY[0]);
    assert.ok(text.startsWith('Why does this loop never end?\n\nFile `src/loop.ts`'), text);
  });
});

describe('core/requests: chat completions bodies', () => {
  for (const id of ['o1', 'o3', 'o3-mini']) {
    it(`${id}: developer instructions, full history, max_completion_tokens, reasoning_effort, stream options; valid per the OpenAPI file`, () => {
      const body = buildChatBody(conv(id));
      assert.equal(body.model, model(id).model);
      assert.deepEqual(body.messages.map((m) => m.role), ['developer', 'user', 'assistant', 'user']);
      assert.equal(body.messages[0].content, 'You review code.');
      assert.equal(body.messages[1].content, renderTurn(HISTORY[0]));
      assert.equal(body.messages[2].content, '`i` is never incremented.');
      assert.equal(body.max_completion_tokens, 4000);
      assert.equal(body.reasoning_effort, 'high');
      assert.equal(body.stream, true);
      assert.deepEqual(body.stream_options, { include_usage: true });
      assertNoForbidden(body);
      const check = validatorForModel(model(id).model, 'chat').validate(body);
      assert.ok(check.valid, check.errors);

      const plain = buildChatBody(conv(id, { stream: false, maxOutputTokens: null, instructions: undefined }));
      assert.deepEqual(Object.keys(plain).sort(), ['messages', 'model', 'reasoning_effort']);
      assert.deepEqual(plain.messages.map((m) => m.role), ['user', 'assistant', 'user']);
      assert.ok(validatorForModel(model(id).model, 'chat').validate(plain).valid);
    });
  }

  it('sends images as image_url parts to models that take images, and refuses them for o3-mini', () => {
    const turns: Turn[] = [{ role: 'user', text: 'What is in the picture?', images: [{ url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' }] }];
    const body = buildChatBody(request('o3', { turns }));
    assert.deepEqual(body.messages[0].content, [
      { type: 'text', text: 'What is in the picture?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
    ]);
    const check = validatorForModel('openai/o3-2025-04-16', 'chat').validate(body);
    assert.ok(check.valid, check.errors);
    assert.throws(() => buildChatBody(request('o3-mini', { turns })), (e: unknown) => e instanceof ApiError && e.kind === 'config' && /does not take images/.test(e.userMessage));
  });

  it('drops empty assistant turns and refuses a conversation without a user message', () => {
    const body = buildChatBody(request('o1', { turns: [{ role: 'user', text: 'a' }, { role: 'assistant', text: '' }, { role: 'user', text: 'b' }] }));
    assert.deepEqual(body.messages.map((m) => m.content), ['a', 'b']);
    assert.throws(() => buildChatBody(request('o1', { turns: [] })), (e: unknown) => e instanceof ApiError && /nothing to send/.test(e.userMessage));
  });
});

describe('core/requests: responses bodies', () => {
  it('o3-pro: instructions field, input messages, max_output_tokens, reasoning effort + summary; valid per the OpenAPI file', () => {
    const body = buildResponsesBody(conv('o3-pro'));
    assert.equal(body.model, 'openai/o3-pro');
    assert.equal(body.instructions, 'You review code.');
    assert.deepEqual(body.input, [
      { role: 'user', content: renderTurn(HISTORY[0]) },
      { role: 'assistant', content: '`i` is never incremented.' },
      { role: 'user', content: 'Fix it.' },
    ]);
    assert.equal(body.max_output_tokens, 4000);
    assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
    assert.equal(body.stream, true);
    assert.equal('stream_options' in body, false);
    assert.equal('store' in body, false);
    assert.equal('background' in body, false);
    assert.equal('messages' in body, false);
    assertNoForbidden(body);
    const check = validatorForModel('openai/o3-pro', 'responses').validate(body);
    assert.ok(check.valid, check.errors);
  });

  it('background: background + store, never stream; summary only when asked and supported; minimum 16 tokens', () => {
    const body = buildResponsesBody(conv('o3-pro', { background: true, reasoningSummary: false, maxOutputTokens: 3 }));
    assert.equal(body.background, true);
    assert.equal(body.store, true);
    assert.equal('stream' in body, false);
    assert.deepEqual(body.reasoning, { effort: 'high' });
    assert.equal(body.max_output_tokens, 16);
    const check = validatorForModel('openai/o3-pro', 'responses').validate(body);
    assert.ok(check.valid, check.errors);
  });

  it('a user model on the responses API follows its capabilities (o3 via responses: no background, no summary)', () => {
    const { models } = parseUserModels([{ id: 'o3-r', model: 'openai/o3-2025-04-16', api: 'responses', capabilities: { imageInput: true } }]);
    const built = buildRequest(conv(models[0], { background: true }));
    assert.equal(built.path, '/responses');
    assert.equal(built.background, false, 'background is not a capability of this model');
    const body = built.body as ReturnType<typeof buildResponsesBody>;
    assert.deepEqual(body.reasoning, { effort: 'high' });
    const check = validatorForModel('openai/o3-2025-04-16', 'responses').validate(body);
    assert.ok(check.valid, check.errors);
  });

  it('sends images as input_image parts', () => {
    const body = buildResponsesBody(request('o3-pro', { turns: [{ role: 'user', text: 'Look', images: [{ url: 'https://example.com/a.png' }] }] }));
    assert.deepEqual((body.input[0] as { content: unknown }).content, [{ type: 'input_text', text: 'Look' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }]);
    const check = validatorForModel('openai/o3-pro', 'responses').validate(body);
    assert.ok(check.valid, check.errors);
  });
});

describe('core/requests: forbidden fields and the schema check itself', () => {
  it('lists forbidden fields and system roles', () => {
    assert.deepEqual(forbiddenFieldsIn({ model: 'o1', max_tokens: 5, temperature: 1, messages: [{ role: 'system', content: 'x' }] }), ['max_tokens', 'temperature', 'role:system']);
    assert.deepEqual(forbiddenFieldsIn(buildChatBody(conv('o1'))), []);
    assert.ok(FORBIDDEN_FIELDS.includes('top_p'));
  });

  it('the OpenAPI validator rejects bodies that break the documented schema (so passing means something)', () => {
    const chat = bodyValidator('o3-mini.json', '/chat/completions');
    assert.equal(chat.validate({ model: 'o3-mini', messages: [{ role: 'critic', content: 'x' }] }).valid, false);
    assert.equal(chat.validate({ model: 'o1', messages: [{ role: 'user', content: 'x' }] }).valid, false, 'model enum');
    assert.equal(chat.validate({ model: 'o3-mini', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'extreme' }).valid, false);
    const responses = bodyValidator('o3-pro-RESPONSES.json', '/responses');
    assert.equal(responses.validate({ model: 'openai/o3-pro', input: 'x', max_output_tokens: 8 }).valid, false, 'minimum 16');
    assert.equal(responses.validate({ model: 'openai/o3-pro', input: 'x', reasoning: null, store: null }).valid, true, 'nullable translated');
  });
});
