import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runToCompletion } from '../../src/core/node/answer';
import { FIX_MARGIN_LINES, extractFix, problemQuestion } from '../../src/core/common/problem';
import { INSTRUCTIONS, TASK_QUESTIONS } from '../../src/core/common/prompts';
import { buildRequest } from '../../src/core/common/requests';
import { demoScript } from '../simulator/demo';
import { start, type Simulator } from '../simulator/simulator';
import { makeClient, request } from './support-core/harness';

const SANDBOX = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'sandbox', 'src');

function explainBody(modelId: string, file: string, languageId: string) {
  const code = fs.readFileSync(path.join(SANDBOX, file), 'utf8');
  return buildRequest(request(modelId, {
    instructions: INSTRUCTIONS.explain,
    turns: [{ role: 'user', text: TASK_QUESTIONS.explain, context: [{ fileName: `src/${file}`, languageId, code, startLine: 1, endLine: code.split('\n').length }] }],
    reasoningSummary: modelId === 'o3-pro',
  })).body;
}

describe('simulator: the sandbox\'s demonstration answers', () => {
  let sim: Simulator;
  afterEach(() => sim?.close());

  it('explains code like a model would: language, file, functions, a list and a code block, with usage and cost', async () => {
    sim = await start({ demo: true });
    sim.setDefault(undefined);
    const { client } = makeClient(sim);
    const code = fs.readFileSync(path.join(SANDBOX, 'geometry.ts'), 'utf8');
    const answer = await runToCompletion(client, request('o3', {
      instructions: INSTRUCTIONS.explain,
      turns: [{ role: 'user', text: TASK_QUESTIONS.explain, context: [{ fileName: 'src/geometry.ts', languageId: 'typescript', code, startLine: 1, endLine: 30 }] }],
    }));
    await client.dispose();
    assert.match(answer.text, /`src\/geometry\.ts` is TypeScript code that defines `distance`, `Path`/);
    assert.match(answer.text, /^- \*\*`distance\(a: Point, b: Point\)`\*\* \(line 6\)/m);
    assert.match(answer.text, /```typescript\n/);
    assert.doesNotMatch(answer.text, /Simulated answer|no model was called/);
    assert.ok(answer.usage && answer.usage.costUsd !== undefined && answer.usage.costUsd > 0);
  });

  it('fits the task and the language: bugs as "Line N" findings, tests as code, Python and Go functions named', () => {
    const bugs = demoScript(buildRequest(request('o3', {
      instructions: INSTRUCTIONS.findBugs,
      turns: [{ role: 'user', text: TASK_QUESTIONS.findBugs, context: [{ fileName: 'src/inventory.py', languageId: 'python', code: fs.readFileSync(path.join(SANDBOX, 'inventory.py'), 'utf8'), startLine: 1 }] }],
    })).body);
    assert.match(bugs.text ?? '', /\*\*Line \d+: (high|medium|low)\.\*\*/);
    const python = demoScript(explainBody('o3', 'inventory.py', 'python'));
    assert.match(python.text ?? '', /Python code that defines `Product`, `needs_reorder`, `restock` and `average_stock`/);
    const go = demoScript(explainBody('o3', 'worker.go', 'go'));
    assert.match(go.text ?? '', /Go code that defines `Process`/);
  });

  it('o3-pro thinks for several seconds and brings a reasoning summary', () => {
    const pro = demoScript(explainBody('o3-pro', 'geometry.ts', 'typescript'));
    assert.ok((pro.firstByteDelayMs ?? 0) >= 5000);
    assert.ok(Array.isArray(pro.reasoning) && pro.reasoning.length >= 2);
    assert.match(String(pro.reasoning[0]), /Reading `src\/geometry\.ts`/);
  });

  it('Explain This Problem on cart.ts ends with a Suggested fix that replaces the sent lines and is a real fix', () => {
    const source = fs.readFileSync(path.join(SANDBOX, 'cart.ts'), 'utf8').split('\n');
    const problemLine = source.findIndex((line) => line.includes("= '0'"));
    const first = problemLine - FIX_MARGIN_LINES;
    const last = problemLine + FIX_MARGIN_LINES;
    const region = source.slice(first, last + 1).join('\n');
    const facts = { message: "Type 'string' is not assignable to type 'number'.", severity: 'error' as const, source: 'ts', code: '2322', line: problemLine + 1, column: 7 };
    const answer = demoScript(buildRequest(request('o3', {
      instructions: INSTRUCTIONS.explainProblem,
      turns: [{ role: 'user', text: problemQuestion(facts), context: [{
        fileName: 'src/cart.ts', languageId: 'typescript', code: region, startLine: first + 1, endLine: last + 1,
        before: source.slice(0, first).join('\n'), after: source.slice(last + 1).join('\n'),
      }] }],
    })).body).text ?? '';
    assert.match(answer, /`sum` is declared as a `number` but starts as the string `'0'`/);
    const fix = extractFix(answer);
    assert.equal(fix, region.replace("let sum: number = '0';", 'let sum: number = 0;'), 'the whole region, with only the faulty line changed');
    assert.match(answer, /### Suggested fix\n\n```typescript\n[\s\S]*\n```$/, 'the answer ends with the fix');
  });

  it('Write Tests on cart.ts writes tests that call each function on sample items and expect the fixed behaviour', () => {
    const code = fs.readFileSync(path.join(SANDBOX, 'cart.ts'), 'utf8');
    const tests = demoScript(buildRequest(request('o3', {
      instructions: INSTRUCTIONS.writeTests,
      turns: [{ role: 'user', text: TASK_QUESTIONS.writeTests, context: [{ fileName: 'src/cart.ts', languageId: 'typescript', code, startLine: 1, endLine: 21 }] }],
    })).body).text ?? '';
    assert.match(tests, /^import \{ total, mostExpensive \} from '\.\/cart';$/m);
    // pen costs 3 × 5 and ink 1 × 2: the total adds them (17, where the bug builds the string '0152'); the dearer is pen.
    assert.match(tests, /expect\(total\(\[\{ name: 'pen', price: 3, quantity: 5 \}, \{ name: 'ink', price: 1, quantity: 2 \}\]\)\)\.toBe\(17\);/);
    assert.match(tests, /expect\(total\(\[\]\)\)\.toBe\(0\);/, 'an empty cart totals the number 0');
    assert.match(tests, /expect\(mostExpensive\(\[\]\)\)\.toBeUndefined\(\);/);
    assert.match(tests, /expect\(mostExpensive\(\[.*\]\)\)\.toEqual\(\{ name: 'pen', price: 3, quantity: 5 \}\);/);
    assert.match(tests, /fail until line 12 is fixed/);
    assert.doesNotMatch(tests, /toBeTypeOf\('function'\)/, 'no test that only checks a function exists');
    const geometry = demoScript(buildRequest(request('o3', {
      instructions: INSTRUCTIONS.writeTests,
      turns: [{ role: 'user', text: TASK_QUESTIONS.writeTests, context: [{ fileName: 'src/geometry.ts', languageId: 'typescript', code: fs.readFileSync(path.join(SANDBOX, 'geometry.ts'), 'utf8'), startLine: 1 }] }],
    })).body).text ?? '';
    assert.match(geometry, /expect\(distance\(\{ x: 2, y: 3 \}, \{ x: 5, y: 1 \}\)\)\.toBe\(3\.605551275463989\);/, 'two different points, and their real distance');
  });

  it('Compare shows each model as itself: o3-mini brief, o3 in full, o3-pro with the edge cases it checked', () => {
    const texts = ['o3-mini', 'o3', 'o3-pro'].map((model) => demoScript(explainBody(model, 'geometry.ts', 'typescript')).text ?? '');
    assert.equal(new Set(texts).size, 3, 'three different answers');
    const [mini, full, pro] = texts as [string, string, string];
    assert.ok(mini.length < full.length && full.length < pro.length, 'longer the more the model reasons');
    assert.doesNotMatch(mini, /Worth knowing/);
    assert.match(mini, /```typescript\n/, 'even the brief answer shows how to call it');
    assert.match(full, /\*\*Using it\*\*/);
    assert.match(pro, /\*\*Edge cases I checked\*\*\n\n- `distance`/);
  });

  it('tests keep the echo: without the demo option nothing changes', async () => {
    sim = await start();
    const { client } = makeClient(sim);
    const answer = await runToCompletion(client, request('o3-mini'));
    await client.dispose();
    assert.match(answer.text, /Simulated answer from o3-mini/);
  });
});
