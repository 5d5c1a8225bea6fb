// Writes dist/README.md, the page the Extensions view shows for the installed extension: the
// README up to its Development section (building, the test suites and the simulator stay in
// the repository, where they are of use).
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const development = readme.search(/^## Development$/m);
if (development < 0) throw new Error('README.md: no "## Development" heading to cut at');
const { repository } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const repositoryUrl = (typeof repository === 'string' ? repository : repository.url).replace(/\.git$/, '');
const userPart = readme.slice(0, development).trimEnd();
fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'dist', 'README.md'),
  `${userPart}\n\n## Development\n\nBuilding from source, the test suites and the gateway simulator are described in the [repository's README](${repositoryUrl}#development).\n`);
