// Writes dist/README.md, the page the Extensions view and the Marketplace show for the packaged
// extension: the README without the sections for people who build and test Reasoner (how to
// build from source, the test suites, the benchmarks), which stay in the repository where they
// are of use. vsce turns the relative links that remain into links to the repository.
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const REPOSITORY_ONLY = ['From source', 'Development'];

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const sections = readme.split(/^(?=## )/m);
for (const heading of REPOSITORY_ONLY) {
  if (!sections.some((section) => section.startsWith(`## ${heading}\n`))) {
    throw new Error(`README.md: no "## ${heading}" section to leave out of the packaged page`);
  }
}
const userPart = sections
  .filter((section) => !REPOSITORY_ONLY.some((heading) => section.startsWith(`## ${heading}\n`)))
  .join('')
  .trimEnd();
const { repository } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const repositoryUrl = (typeof repository === 'string' ? repository : repository.url).replace(/\.git$/, '');
fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'dist', 'README.md'),
  `${userPart}\n\n## Development\n\nBuilding from source and the tests are described in the [repository](${repositoryUrl}#development).\n`);
