/**
 * Validates request bodies and answers against the gateway's own OpenAPI 3.0 files (copied to
 * test/fixtures/openapi from the shared contract), and error bodies against the contract's two
 * error shapes (the OpenAPI files document only the 200 answers). OpenAPI 3.0 is not JSON Schema:
 * `nullable` becomes a `null` type/enum member, and OpenAPI-only keywords are dropped.
 */

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { nearestPackageRoot } from '../repoRoot';

/** In the repository, found from the bundled file: the VS Code extension host's working folder is not ours. */
export const OPENAPI_DIR = path.join(nearestPackageRoot(__dirname), 'test/fixtures/openapi');

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DROP = new Set(['nullable', 'example', 'examples', 'discriminator', 'xml', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);

/** OpenAPI 3.0 schema object -> JSON Schema (draft 7) that ajv understands. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isRecord(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROP.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else if (key === 'enum' || key === 'required' || key === 'default' || key === 'const') {
      out[key] = value;
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...(out.type as unknown[]), 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined && (out.anyOf || out.oneOf || out.allOf)) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export interface BodyValidator {
  readonly file: string;
  readonly apiPath: string;
  validate(body: unknown): { valid: boolean; errors: string };
}

const cache = new Map<string, BodyValidator>();

function compile(schema: unknown): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv.compile(toJsonSchema(schema) as Json);
}

type Check = (body: unknown) => { valid: boolean; errors: string };

function checkWith(compiled: ValidateFunction): Check {
  return (body) => {
    const valid = compiled(body) as boolean;
    return { valid, errors: valid ? '' : formatErrors(compiled.errors ?? []) };
  };
}

function cached(key: string, make: () => { apiPath: string; check: Check; file: string }): BodyValidator {
  const hit = cache.get(key);
  if (hit) return hit;
  const { apiPath, check, file } = make();
  const validator: BodyValidator = { file, apiPath, validate: check };
  cache.set(key, validator);
  return validator;
}

function postOperation(file: string, apiPath: string): { path: string; post: Json } {
  const doc = JSON.parse(readFileSync(path.join(OPENAPI_DIR, file), 'utf8')) as { paths: Record<string, Record<string, Json>> };
  const entry = Object.entries(doc.paths).find(([p, ops]) => p.endsWith(apiPath) && isRecord(ops.post?.requestBody));
  if (!entry) throw new Error(`${file} documents no POST ${apiPath}`);
  return { path: entry[0], post: entry[1].post };
}

/** The request body schema of POST `apiPath` (e.g. /chat/completions) in `file`. */
export function bodyValidator(file: string, apiPath: '/chat/completions' | '/responses'): BodyValidator {
  return cached(`${file} ${apiPath}`, () => {
    const operation = postOperation(file, apiPath);
    const requestBody = operation.post.requestBody as { content: Record<string, { schema: unknown }> };
    return { file, apiPath: operation.path, check: checkWith(compile(requestBody.content['application/json'].schema)) };
  });
}

/**
 * The schema of POST `apiPath`'s 200 answer in `file`: `application/json` for the whole answer
 * (also what a background poll or cancel returns), `text/event-stream` for one streamed event's data.
 */
export function answerValidator(file: string, apiPath: '/chat/completions' | '/responses', contentType: 'application/json' | 'text/event-stream'): BodyValidator {
  return cached(`${file} ${apiPath} 200 ${contentType}`, () => {
    const operation = postOperation(file, apiPath);
    const responses = operation.post.responses as Record<string, { content?: Record<string, { schema: unknown }> }>;
    const schema = responses['200']?.content?.[contentType]?.schema;
    if (schema === undefined) throw new Error(`${file} documents no ${contentType} answer for POST ${apiPath}`);
    if (contentType === 'application/json') return { file, apiPath: operation.path, check: checkWith(compile(schema)) };
    return { file, apiPath: operation.path, check: apiPath === '/chat/completions' ? checkWith(compile(chunkAsStreamed(schema))) : byEventType(schema) };
  });
}

/**
 * The responses API's events are a `oneOf` of one schema per `type`: each event is checked
 * against its own type's schema (a clear message), and an undocumented type is a break.
 */
function byEventType(schema: unknown): Check {
  const branches = (schema as { oneOf: { properties: { type: { enum: string[] }; param?: Json } }[] }).oneOf;
  const checks = new Map<string, Check>();
  for (const branch of branches) {
    const types = branch.properties.type.enum;
    // An `error` event's `param` is null when no field is at fault, as in OpenAI's own schema and every HTTP error body.
    const widened = types.includes('error') && branch.properties.param ? { ...branch, properties: { ...branch.properties, param: { ...branch.properties.param, nullable: true } } } : branch;
    for (const type of types) checks.set(type, checkWith(compile(widened)));
  }
  return (body) => {
    const type = isRecord(body) && typeof body.type === 'string' ? body.type : '';
    const check = checks.get(type);
    return check ? check(body) : { valid: false, errors: `event type ${JSON.stringify(type)} is not documented` };
  };
}

/**
 * Where the contract is wider than the OpenAPI files, as API-CONTRACT.md's streamed example
 * shows the gateway sending it: a chunk's `finish_reason` is null until the last chunk, and a
 * delta carries `role` only in the first chunk, `content` only when there is text (the last
 * chunk's delta is `{}`), where the chunk schema makes both required. A tool call's later
 * pieces carry only `index` and more `function.arguments` (OpenAI's own chunk schema requires
 * only `index`), where this one wants `id`, `type` and the name in every piece.
 */
function chunkAsStreamed(chunkSchema: unknown): unknown {
  type Delta = { required?: string[]; properties: { tool_calls: { items: { required?: string[]; properties: { function: { required?: string[] } } } } } };
  const copy = structuredClone(chunkSchema) as { properties: { choices: { items: { properties: { finish_reason: Json; delta: Delta } } } } };
  const choice = copy.properties.choices.items.properties;
  choice.finish_reason.nullable = true;
  delete choice.delta.required;
  const toolCall = choice.delta.properties.tool_calls.items;
  toolCall.required = ['index'];
  delete toolCall.properties.function.required;
  return copy;
}

/** The contract's error bodies (API-CONTRACT.md, Errors): OpenAI's and the gateway's two shapes. */
const ERROR_SHAPES: Record<'openai' | 'gateway' | 'title', unknown> = {
  openai: {
    type: 'object', required: ['error'],
    properties: {
      error: {
        type: 'object', required: ['message', 'type', 'param', 'code'],
        properties: { message: { type: 'string', minLength: 1 }, type: { type: 'string' }, param: { type: 'string', nullable: true }, code: { type: 'string', nullable: true } },
      },
    },
  },
  gateway: {
    type: 'object', required: ['message', 'path', 'requestId', 'statusCode', 'timestamp'],
    properties: { message: { type: 'string', minLength: 1 }, path: { type: 'string' }, requestId: { type: 'string' }, statusCode: { type: 'integer', minimum: 400 }, timestamp: { type: 'string', format: 'date-time' } },
  },
  title: {
    type: 'object', required: ['title', 'status', 'message'],
    properties: { title: { type: 'string', minLength: 1 }, status: { type: 'integer', minimum: 400 }, message: { type: 'string', minLength: 1 } },
  },
};

export function errorBodyValidator(shape: 'openai' | 'gateway' | 'title'): BodyValidator {
  return cached(`error ${shape}`, () => ({ file: 'API-CONTRACT.md', apiPath: `error:${shape}`, check: checkWith(compile(ERROR_SHAPES[shape])) }));
}

function formatErrors(errors: ErrorObject[]): string {
  return errors.slice(0, 12).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/** Which OpenAPI file documents each built-in model (and o3 on the responses API). */
export const OPENAPI_FILE_FOR: Record<string, { file: string; apiPath: '/chat/completions' | '/responses' }> = {
  'o1': { file: 'o1.json', apiPath: '/chat/completions' },
  'openai/o3-2025-04-16 chat': { file: 'o3.json', apiPath: '/chat/completions' },
  'o3-mini': { file: 'o3-mini.json', apiPath: '/chat/completions' },
  'openai/o3-pro': { file: 'o3-pro-RESPONSES.json', apiPath: '/responses' },
  'openai/o3-2025-04-16 responses': { file: 'o3-RESPONSES.json', apiPath: '/responses' },
};

/**
 * Compiles every built-in model's request schema now (about 0.5 s in all, once per bundle), so
 * that checking a request never delays the answer: tests that time the answer stay untouched.
 */
export function compileRequestValidators(): void {
  for (const spec of Object.values(OPENAPI_FILE_FOR)) bodyValidator(spec.file, spec.apiPath);
}

export function validatorForModel(modelSent: string, api: 'chat' | 'responses'): BodyValidator {
  const spec = OPENAPI_FILE_FOR[`${modelSent} ${api}`] ?? OPENAPI_FILE_FOR[modelSent];
  if (!spec) throw new Error(`no OpenAPI file for ${modelSent} (${api})`);
  return bodyValidator(spec.file, spec.apiPath);
}

/**
 * What is wrong with an answer request's body, if anything: a forbidden field, the system role,
 * or (for a built-in model) a break of its OpenAPI schema. The simulator asks this of every
 * answer request in strict mode; a user-defined model id is checked for the fields only.
 */
export function requestBodyProblem(route: 'chat' | 'responses', body: unknown): string | undefined {
  if (!isRecord(body) || typeof body.model !== 'string') return 'the body is not a JSON object with a model';
  for (const field of ['max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs']) {
    if (field in body) return `forbidden field ${field} was sent`;
  }
  const list = (route === 'chat' ? body.messages : body.input) as unknown;
  if (Array.isArray(list) && list.some((m) => isRecord(m) && m.role === 'system')) return 'role "system" was sent';
  const spec = OPENAPI_FILE_FOR[`${body.model} ${route}`] ?? OPENAPI_FILE_FOR[body.model];
  if (!spec || spec.apiPath !== (route === 'chat' ? '/chat/completions' : '/responses')) return undefined;
  const check = bodyValidator(spec.file, spec.apiPath).validate(body);
  return check.valid ? undefined : `(${body.model}) breaks ${spec.file}:\n${check.errors}`;
}

/**
 * Every answer request the simulator received must pass {@link requestBodyProblem}. Used in
 * afterEach hooks, so every body any test made the client build is checked, not only the ones
 * a test looks at.
 */
export function assertRecordedBodiesValid(records: readonly { route: string; body?: unknown; path: string }[]): void {
  for (const record of records) {
    if (record.route !== 'chat' && record.route !== 'responses') continue;
    const problem = requestBodyProblem(record.route, record.body);
    if (problem) throw new Error(`${record.path}: ${problem}`);
  }
}
