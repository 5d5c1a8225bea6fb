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
for (const needed of ['extension/dist/extension.js', 'extension/dist/webview/webview.js', 'extension/dist/webview/hljs/core.js', 'extension/dist/webview/hljs/typescript.js', 'extension/dist/webview/chat-style.css', 'extension/dist/webview/compare-style.css', 'extension/package.json', 'extension/readme.md']) {
  if (!listing.some((name) => name.toLowerCase() === needed.toLowerCase())) problems.push(`${needed} is missing`);
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${file}: ${(size / 1024).toFixed(1)} KB, ${listing.length} files, no node_modules`);
