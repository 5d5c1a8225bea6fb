import * as assert from 'node:assert/strict';
import { expandTemplate, extractCode, FenceStripper, templateUsesInput } from '../../src/core/common/prompts';

function strip(chunks: string[]): string {
  const stripper = new FenceStripper();
  return chunks.map((chunk) => stripper.push(chunk)).join('') + stripper.end();
}

function everySplit(text: string): string[][] {
  const splits: string[][] = [];
  for (let i = 1; i < text.length; i++) splits.push([text.slice(0, i), text.slice(i)]);
  return splits;
}

describe('prompt templates', () => {
  it('expands the four variables and leaves others alone', () => {
    const out = expandTemplate('In ${fileName} (${language}): ${input}\n${selection}\n${other}', {
      selection: 'let x = 1;', language: 'typescript', fileName: 'src/a.ts', input: 'why?',
    });
    assert.equal(out, 'In src/a.ts (typescript): why?\nlet x = 1;\n${other}');
  });

  it('does not re-expand variables that appear inside the selection', () => {
    const out = expandTemplate('${selection} / ${language}', { selection: 'const s = `${language}`;', language: 'js', fileName: 'f' });
    assert.equal(out, 'const s = `${language}`; / js');
  });

  it('knows when a template needs input', () => {
    assert.equal(templateUsesInput('Focus: ${input}'), true);
    assert.equal(templateUsesInput('${selection}'), false);
  });
});

describe('code in answers', () => {
  it('takes the first fenced block, or the whole answer', () => {
    assert.equal(extractCode('Here:\n```ts\nconst a = 1;\nconst b = 2;\n```\n- renamed'), 'const a = 1;\nconst b = 2;');
    assert.equal(extractCode('  const a = 1;\n'), 'const a = 1;');
  });

  it('strips a fence from streamed code at any split point, and drops prose after it', () => {
    const answer = '```python\ndef test_a():\n    assert f(1) == 2\n```\nThese tests cover f.';
    for (const chunks of everySplit(answer)) {
      assert.equal(strip(chunks), 'def test_a():\n    assert f(1) == 2\n', JSON.stringify(chunks));
    }
  });

  it('passes unfenced code through unchanged at any split point', () => {
    const answer = 'import x\n\ndef test_b():\n    pass';
    for (const chunks of everySplit(answer)) {
      assert.equal(strip(chunks), answer, JSON.stringify(chunks));
    }
  });
});
