// Rewrites the client and editor tables of docs/fault-matrix.md from the rows the tests run
// (test/fixtures/faultMatrix.ts). test/unit/fault-matrix-doc.test.ts fails until this is run
// after a row changes.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'fault-matrix.md');

const built = esbuild.buildSync({
  entryPoints: [path.join(ROOT, 'test', 'fixtures', 'faultMatrixDoc.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
});
const loaded = { exports: {} };
new Function('module', 'exports', 'require', built.outputFiles[0].text)(loaded, loaded.exports, require);
const before = fs.readFileSync(DOC, 'utf8');
const after = loaded.exports.withFaultTables(before);
fs.writeFileSync(DOC, after);
console.log(before === after ? 'docs/fault-matrix.md already matches the rows' : 'docs/fault-matrix.md rewritten from test/fixtures/faultMatrix.ts');
