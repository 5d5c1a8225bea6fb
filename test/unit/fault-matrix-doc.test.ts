/**
 * docs/fault-matrix.md's client and editor tables are the rows the fault tests
 * run (test/fixtures/faultMatrix.ts): a row changed on one side only fails here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withFaultTables } from '../fixtures/faultMatrixDoc';

const DOC = path.resolve(__dirname, '../../../docs/fault-matrix.md');

describe('docs/fault-matrix.md', () => {
  it('lists exactly the cases, words and actions the fault tests check (node scripts/fault-matrix.js rewrites it)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    assert.equal(doc, withFaultTables(doc));
  });
});
