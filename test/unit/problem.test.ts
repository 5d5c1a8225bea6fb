/**
 * Explain This Problem's core: how the problem is put to the model, and how
 * the fix is read back out of the answer (only the block under the fix
 * heading, only when it is complete and is code).
 */
import * as assert from 'node:assert/strict';
import { FIX_HEADING, extractFix, problemLabel, problemQuestion, sameCode, shortMessage } from '../../src/core/common/problem';
import { INSTRUCTIONS } from '../../src/core/common/prompts';

describe('explain a problem: the question', () => {
  it('names the problem as the Problems panel does, with where it is and what points elsewhere', () => {
    const question = problemQuestion({
      message: "Type 'string' is not assignable to type 'number'.", severity: 'error', source: 'ts', code: '2322', line: 7, column: 9,
      related: ['src/types.ts:3: The expected type comes from property \'total\''],
    });
    assert.equal(question, [
      'Explain this problem and suggest a fix.',
      '',
      "Error ts(2322) at line 7, column 9: Type 'string' is not assignable to type 'number'.",
      "Related: src/types.ts:3: The expected type comes from property 'total'",
    ].join('\n'));
    assert.equal(problemLabel({ message: 'x', severity: 'warning', code: 'W1', line: 1, column: 1 }), 'Warning (W1)');
    assert.equal(problemLabel({ message: 'x', severity: 'information', line: 1, column: 1 }), 'Info');
    assert.equal(shortMessage('first line\nsecond'), 'first line');
    assert.equal(shortMessage('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  });

  it('a message of any length stays bounded', () => {
    const question = problemQuestion({ message: 'm'.repeat(50_000), severity: 'error', line: 1, column: 1 });
    assert.ok(question.length < 4_200);
  });

  it('the instructions ask for the fix under the heading the answer is read by', () => {
    assert.ok(INSTRUCTIONS.explainProblem.includes(`### ${FIX_HEADING}`));
    assert.match(INSTRUCTIONS.explainProblem, /complete replacement for the selected lines/);
  });
});

describe('explain a problem: reading the fix', () => {
  const fixed = 'const total: number = Number(input);\nreturn total;';

  it('takes the block under the fix heading, not code blocks in the explanation', () => {
    const answer = [
      'The value is a string:', '', '```ts', "const total: number = '3';", '```', '', '### Suggested fix', '', '```typescript', fixed, '```', '',
    ].join('\n');
    assert.equal(extractFix(answer), fixed);
  });

  it('reads the heading in the forms models write it, and longer or tilde fences', () => {
    for (const heading of ['## Suggested Fix', '**Suggested fix:**', 'Suggested fix:', '### Fix', '#### Fixed code', '__Suggested fix__']) {
      assert.equal(extractFix(`Because.\n\n${heading}\n\`\`\`\`ts\n${fixed}\n\`\`\`\`\n`), fixed, heading);
    }
    assert.equal(extractFix(`### Suggested fix\n~~~\n${fixed}\n~~~`), fixed);
    assert.equal(extractFix('### Suggested fix\n```md\nuse ``` here\n````x\n```'), 'use ``` here\n````x', 'an inner fence line that cannot close it stays in');
  });

  it('offers nothing without the heading, without a closed block, or for a diff', () => {
    assert.equal(extractFix(`Because.\n\n\`\`\`ts\n${fixed}\n\`\`\``), undefined, 'no heading');
    assert.equal(extractFix('The tool is wrong here; no change is needed.'), undefined);
    assert.equal(extractFix(`### Suggested fix\n\`\`\`ts\n${fixed}`), undefined, 'cut off mid-block');
    assert.equal(extractFix('### Suggested fix\n```diff\n- a\n+ b\n```'), undefined);
    assert.equal(extractFix('### Suggested fix\n\nNone: the selected lines cannot fix it.'), undefined);
  });

  it('a fix equal but for trailing spaces and line endings changes nothing', () => {
    assert.equal(sameCode('a  \r\nb\n', 'a\nb'), true);
    assert.equal(sameCode('a\nb', 'a\nc'), false);
  });
});
