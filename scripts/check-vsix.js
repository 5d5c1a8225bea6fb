// Checks the packaged .vsix: small, no node_modules, only what runs.
const fs = require('fs');
const { execFileSync } = require('child_process');
const pkg = require('../package.json');
const file = `reasoner-${pkg.version}.vsix`;
const size = fs.statSync(file).size;
const listing = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
const problems = [];
if (size > 1024 * 1024) problems.push(`${file} is ${size} bytes; keep it under 1 MB`);
if (listing.some((name) => name.includes('node_modules/'))) problems.push('node_modules inside the .vsix');
for (const name of listing.filter((n) => n.startsWith('extension/'))) {
  if (/\.(ts|map)$/.test(name) || name.startsWith('extension/src/') || name.startsWith('extension/test/')) {
    problems.push(`${name} should not ship`);
  }
}
for (const needed of ['extension/dist/extension.js', 'extension/dist/undici.js', 'extension/dist/llhttp.wasm', 'extension/dist/proper-lockfile.js', 'extension/dist/ignore.js', 'extension/dist/webview/markdown-it.js', 'extension/dist/webview/webview.js', 'extension/dist/webview/hljs/core.js', 'extension/dist/webview/hljs/typescript.js', 'extension/dist/webview/chat-style.css', 'extension/dist/webview/compare-style.css', 'extension/package.json', 'extension/readme.md']) {
  if (!listing.some((name) => name.toLowerCase() === needed.toLowerCase())) problems.push(`${needed} is missing`);
}
// Every script the build made ships: the extension's modules loaded when first needed (one left out fails the
// first request), and every file of the webview pages (a page whose script or style is left out opens blank).
const path = require('path');
for (const [dir, built] of [['dist', /\.js$/], ['dist/webview', /./], ['dist/webview/hljs', /./]]) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.map') || !built.test(entry.name)) continue;
    const needed = `extension/${dir}/${entry.name}`;
    if (!listing.includes(needed)) problems.push(`${needed} is missing (${path.join(dir, entry.name)} was built for it)`);
  }
}
// The packaged page is for people who use Reasoner: no benchmark figures or test suites (those stay in the
// repository's docs/), and every link absolute, since a relative one has nothing to resolve against there.
const readme = listing.find((name) => name.toLowerCase() === 'extension/readme.md');
if (readme) {
  const page = execFileSync('unzip', ['-p', file, readme], { encoding: 'utf8' });
  for (const [what, pattern] of [
    ['benchmark detail', /\bbench|B[1-6] |MB\/s|median/i],
    ['test-suite detail', /npm (run )?test|test:unit|mocha|\.test\.ts|test\/(unit|integration|e2e)|scripts\/|simulator/i],
  ]) {
    const found = page.match(pattern);
    if (found) problems.push(`${readme} carries ${what} ("${found[0]}"); keep it in the repository's docs/`);
  }
  for (const link of page.matchAll(/\]\(([^)\s]+)|src="([^"]+)"/g)) {
    const target = link[1] ?? link[2];
    if (!/^(https?:|mailto:|#)/.test(target)) problems.push(`${readme} links to "${target}", which does not resolve on the installed page`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${file}: ${(size / 1024).toFixed(1)} KB, ${listing.length} files, no node_modules`);
