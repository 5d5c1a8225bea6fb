/**
 * Write Tests in the sandbox: tests that call each function with sample values built from its
 * parameter types (and the interfaces the request carries) and expect what the code returns, worked
 * out by running the TypeScript or JavaScript sent, with Node's type stripping, in a bare VM context
 * for at most 100 ms. When the demonstration knows a fix for the code (cart.ts's `'0'`), the
 * expectations come from the fixed code, so the tests fail until the fix is applied, as a
 * reviewer's tests would.
 */
import { stripTypeScriptTypes } from 'node:module';
import * as vm from 'node:vm';

interface Field { readonly name: string; readonly type: string }

const NUMBERS = [2, 3, 5, 1];
const STRINGS = ['pen', 'pad', 'ink', 'cap'];

function interfacesIn(text: string): Map<string, Field[]> {
  const found = new Map<string, Field[]>();
  for (const match of text.matchAll(/interface\s+([A-Za-z_$][\w$]*)\s*\{([^}]*)\}/g)) {
    const fields = [...(match[2] ?? '').matchAll(/(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:\s*([^;\n]+)/g)]
      .map((field) => ({ name: field[1] ?? '', type: (field[2] ?? '').trim() }));
    found.set(match[1] ?? '', fields);
  }
  return found;
}

/** A sample value of `type`; `variant` 0 or 1 gives two different ones. Undefined when the type is not understood. */
function sample(type: string, shapes: Map<string, Field[]>, variant: number, slot = 0): unknown {
  const t = type.replace(/^readonly\s+/, '').trim();
  if (t === 'number') return NUMBERS[(variant * 2 + slot) % NUMBERS.length];
  if (t === 'string') return STRINGS[(variant * 2 + slot) % STRINGS.length];
  if (t === 'boolean') return variant === 0;
  const element = /^(.+)\[\]$/.exec(t)?.[1] ?? /^(?:ReadonlyArray|Array)<(.+)>$/.exec(t)?.[1];
  if (element) {
    const items = [sample(element, shapes, 0), sample(element, shapes, 1)];
    return items.includes(undefined) ? undefined : items;
  }
  const fields = shapes.get(t);
  if (!fields) return undefined;
  const value: Record<string, unknown> = {};
  for (const [index, field] of fields.entries()) {
    const inner = sample(field.type, shapes, variant, index);
    if (inner === undefined) return undefined;
    value[field.name] = inner;
  }
  return value;
}

function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([key, inner]) => `${key}: ${literal(inner)}`).join(', ')} }`;
  if (typeof value === 'string') return `'${value.replace(/'/g, "\\'")}'`;
  return String(value);
}

function run(code: string, call: string): { readonly value: unknown } | undefined {
  try {
    const script = stripTypeScriptTypes(code.replace(/^\s*export\s+(default\s+)?/gm, ''));
    const value: unknown = vm.runInNewContext(`${script}\n;JSON.stringify((${call}) ?? null)`, Object.create(null), { timeout: 100 });
    return typeof value === 'string' ? { value: JSON.parse(value) } : undefined;
  } catch {
    return undefined;
  }
}

function expectation(call: string, result: unknown): string {
  if (result === null) return `expect(${call}).toBeUndefined();`;
  return typeof result === 'object' ? `expect(${call}).toEqual(${literal(result)});` : `expect(${call}).toBe(${literal(result)});`;
}

export interface TestSubject {
  /** `cart` for `src/cart.ts`. */
  readonly module: string;
  readonly code: string;
  /** Everything the request carries (interfaces may sit outside the selection). */
  readonly requestText: string;
  /** The code as the demonstration would fix it, and where; undefined when it knows no fix. */
  readonly fixed?: { readonly code: string; readonly line: number };
}

/** A vitest file for the TypeScript or JavaScript functions in `code`; undefined when none can be run. */
export function demoTests(subject: TestSubject): string | undefined {
  const shapes = interfacesIn(subject.requestText);
  const runnable = subject.fixed?.code ?? subject.code;
  const blocks: string[] = [];
  const names: string[] = [];
  for (const match of subject.code.matchAll(/^\s*(?:export\s+)?function\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)/gm)) {
    const name = match[1] ?? '';
    const params = (match[2] ?? '').split(',').map((param) => param.trim()).filter(Boolean).map((param) => param.replace(/^[\w$]+\??\s*:\s*/, ''));
    // Two parameters of one type get different values (distance(a, b) of one point twice would test nothing).
    const args = params.map((type, index) => sample(type, shapes, index % 2));
    if (args.includes(undefined)) continue;
    const cases: string[] = [];
    const typical = `${name}(${args.map(literal).join(', ')})`;
    const typicalResult = run(runnable, typical);
    if (typicalResult) cases.push(`  it('works on a typical input', () => {\n    ${expectation(typical, typicalResult.value)}\n  });`);
    if (params.some((type) => /\[\]$|Array</.test(type))) {
      const empty = `${name}(${params.map((type, i) => (/\[\]$|Array</.test(type) ? '[]' : literal(args[i]))).join(', ')})`;
      const emptyResult = run(runnable, empty);
      if (emptyResult) cases.push(`  it('handles an empty list', () => {\n    ${expectation(empty, emptyResult.value)}\n  });`);
    }
    if (cases.length === 0) continue;
    names.push(name);
    blocks.push(`describe('${name}', () => {\n${cases.join('\n\n')}\n});`);
  }
  if (blocks.length === 0) return undefined;
  const note = subject.fixed ? [`// These expect the fixed behaviour: they fail until line ${subject.fixed.line} is fixed (Explain This Problem shows how).`] : [];
  return [`import { describe, expect, it } from 'vitest';`, `import { ${names.join(', ')} } from './${subject.module}';`, ...note, '', blocks.join('\n\n'), ''].join('\n');
}
