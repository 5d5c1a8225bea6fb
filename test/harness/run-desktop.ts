/**
 * The same integration suite in desktop VS Code, downloaded by
 * @vscode/test-electron (needs internet; not used by `npm test`).
 * REASONER_VSCODE_VERSION picks the version (default: the lowest we support).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, makeWorkspace } from './codeServer';

async function main(): Promise<void> {
  const folder = makeWorkspace();
  const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-desktop-')), 'integration.log');
  const engines = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).engines.vscode as string;
  try {
    await runTests({
      version: process.env.REASONER_VSCODE_VERSION ?? engines.replace(/^\^/, ''),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
      // Built-in extensions stay on: the TypeScript server provides the symbols Explain uses.
      launchArgs: [folder, '--disable-workspace-trust', '--log', 'debug'],
      extensionTestsEnv: { REASONER_TEST_REPORT: reportFile, REASONER_TEST_WORKSPACE: folder },
    });
  } finally {
    if (fs.existsSync(reportFile)) process.stdout.write(fs.readFileSync(reportFile, 'utf8'));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
