/**
 * Validates request bodies against the gateway's own OpenAPI 3.0 files (copied to
 * test/fixtures/openapi from the shared contract). OpenAPI 3.0 is not JSON Schema:
 * `nullable` becomes a `null` type/enum member, and OpenAPI-only keywords are dropped.
 */

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** From the repository root (mocha), else next to the bundled test (the VS Code extension host, whose cwd is not ours). */
export const OPENAPI_DIR = [
  path.resolve(process.cwd(), 'test/fixtures/openapi'),
  path.resolve(__dirname, '../../../test/fixtures/openapi'),
].find((dir) => existsSync(dir)) ?? path.resolve(process.cwd(), 'test/fixtures/openapi');

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

/** The request body schema of POST `apiPath` (e.g. /chat/completions) in `file`. */
export function bodyValidator(file: string, apiPath: '/chat/completions' | '/responses'): BodyValidator {
  const cacheKey = `${file} ${apiPath}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(path.join(OPENAPI_DIR, file), 'utf8')) as { paths: Record<string, Record<string, Json>> };
  const entry = Object.entries(doc.paths).find(([p, ops]) => p.endsWith(apiPath) && isRecord(ops.post?.requestBody));
  if (!entry) throw new Error(`${file} documents no POST ${apiPath}`);
  const requestBody = entry[1].post.requestBody as { content: Record<string, { schema: unknown }> };
  const schema = toJsonSchema(requestBody.content['application/json'].schema);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const compiled: ValidateFunction = ajv.compile(schema as Json);
  const validator: BodyValidator = {
    file,
    apiPath: entry[0],
    validate(body) {
      const valid = compiled(body) as boolean;
      return { valid, errors: valid ? '' : formatErrors(compiled.errors ?? []) };
    },
  };
  cache.set(cacheKey, validator);
  return validator;
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

export function validatorForModel(modelSent: string, api: 'chat' | 'responses'): BodyValidator {
  const spec = OPENAPI_FILE_FOR[`${modelSent} ${api}`] ?? OPENAPI_FILE_FOR[modelSent];
  if (!spec) throw new Error(`no OpenAPI file for ${modelSent} (${api})`);
  return bodyValidator(spec.file, spec.apiPath);
}

/**
 * Every answer request the simulator received must pass the matching OpenAPI schema and
 * carry none of the forbidden fields. Used in afterEach hooks, so every body any test made
 * the client build is checked, not only the ones a test looks at.
 */
export function assertRecordedBodiesValid(records: readonly { route: string; body?: unknown; path: string }[]): void {
  for (const record of records) {
    if (record.route !== 'chat' && record.route !== 'responses') continue;
    const body = record.body as Record<string, unknown> | undefined;
    if (!isRecord(body) || typeof body.model !== 'string') throw new Error(`${record.path}: body is not a JSON object with a model`);
    for (const field of ['max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs']) {
      if (field in body) throw new Error(`${record.path}: forbidden field ${field} was sent`);
    }
    const list = (record.route === 'chat' ? body.messages : body.input) as unknown;
    if (Array.isArray(list) && list.some((m) => isRecord(m) && m.role === 'system')) throw new Error(`${record.path}: role "system" was sent`);
    const spec = OPENAPI_FILE_FOR[`${body.model} ${record.route}`] ?? OPENAPI_FILE_FOR[body.model];
    if (!spec || spec.apiPath !== (record.route === 'chat' ? '/chat/completions' : '/responses')) continue; // a user-defined model id
    const check = bodyValidator(spec.file, spec.apiPath).validate(body);
    if (!check.valid) throw new Error(`${record.path} (${body.model}) breaks ${spec.file}:\n${check.errors}`);
  }
}
