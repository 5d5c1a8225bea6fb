/**
 * Server and model text is foreign: whatever it holds, reading it takes time in
 * proportion to its size. Each input here made an earlier version quadratic
 * (32 KB of `<` took 2 s to summarise; these are 1 MiB, so a quadratic scan
 * would run for many minutes and time the test out).
 */
import * as assert from 'node:assert/strict';
import { extractServerError } from '../../src/core/node/httpErrors';
import { extractFix } from '../../src/core/common/problem';
import { extractCode, FenceStripper } from '../../src/core/common/prompts';

const MIB = 1024 * 1024;

describe('foreign text is scanned in linear time', function () {
  this.timeout(10_000);

  const pages: Record<string, string> = {
    'a megabyte of <': '<'.repeat(MIB),
    'unclosed script elements': '<script>'.repeat(MIB / 8),
    'unclosed titles': '<html><title'.repeat(MIB / 12),
    'unclosed headings after a title-less head': `<html><head></head><body>${'<h1 '.repeat(MIB / 4)}`,
    'tags that never close': `<html>${'<b'.repeat(MIB / 2)}`,
  };
  for (const [name, page] of Object.entries(pages)) {
    it(`an HTML error page of ${name} gives a short summary`, () => {
      const info = extractServerError(page, 'text/html');
      assert.equal(info.html, true);
      assert.ok((info.message ?? '').length <= 200, info.message);
    });
  }

  it('the title of a page is still found, entities decoded, tags inside dropped', () => {
    const info = extractServerError(`<html><head><title>Proxy <b>says</b> &amp; no</title></head><body>${'x'.repeat(MIB)}</body></html>`, 'text/html');
    assert.equal(info.message, 'the proxy returned an HTML page: Proxy says & no');
  });

  for (const [name, answer] of Object.entries({
    'a megabyte of opening fences': '```\n'.repeat(MIB / 4),
    'alternating fence kinds that never close': '```\n~~~\n'.repeat(MIB / 8),
  })) {
    it(`code is extracted from ${name}`, () => {
      assert.equal(typeof extractCode(answer), 'string');
    });
  }

  for (const [name, answer] of Object.entries({
    'a fix heading trailed by a megabyte of spaces': `### Suggested fix${' '.repeat(MIB)}x`,
    'a megabyte of fix headings each opening a fence': '### Fix\n```\n'.repeat(MIB / 12),
    'a megabyte-long fence line': `### Fix\n${'`'.repeat(MIB)}`,
    'a megabyte of heading-length lines that almost head a fix': `**Fix:${' '.repeat(70)}_x\n`.repeat(MIB / 80),
  })) {
    it(`a suggested fix is looked for in ${name}`, () => {
      assert.equal(extractFix(answer), undefined);
    });
  }

  it('code extraction still takes the first fenced block', () => {
    assert.equal(extractCode(`prose\n~~~py\nprint(1)\n~~~\n\`\`\`\nlater\n\`\`\``), 'print(1)');
  });

  it('a megabyte-long line streamed in small deltas into the fence stripper', () => {
    for (const opening of ['', '```ts\n']) {
      const stripper = new FenceStripper();
      let out = stripper.push(opening);
      for (let i = 0; i < MIB / 8; i++) out += stripper.push('        ');
      out += stripper.push('x\n');
      out += stripper.end();
      assert.equal(out.length, MIB + 2);
    }
  });
});
