import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, codeServerEntry, makeTempDir } from '../harness/codeServer';
import { findFrame, launchWorkbench, reasonerActivityItem, type Workbench } from '../harness/workbench';

suite('Packaged .vsix', () => {
  let workbench: Workbench | undefined;
  let extensionsDir: string;

  suiteSetup(() => {
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    const vsix = path.join(REPO_ROOT, `reasoner-${version}.vsix`);
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run "npm run package" first`);
    extensionsDir = makeTempDir('vsix-ext');
    const output = execFileSync(process.execPath, [codeServerEntry(), '--extensions-dir', extensionsDir, '--install-extension', vsix], { encoding: 'utf8' });
    assert.match(output, /successfully installed/i);
  });

  suiteTeardown(async () => {
    await workbench?.close();
    fs.rmSync(extensionsDir, { recursive: true, force: true });
  });

  test('installs into code-server with --install-extension', () => {
    const listed = execFileSync(process.execPath, [codeServerEntry(), '--extensions-dir', extensionsDir, '--list-extensions', '--show-versions'], { encoding: 'utf8' });
    assert.match(listed, /reasoner-dev\.reasoner@\d+\.\d+\.\d+/);
  });

  test('the installed extension shows the Reasoner view', async () => {
    workbench = await launchWorkbench({ extensionsDir });
    const { page } = workbench;
    await reasonerActivityItem(page).locator('a').click();
    const frame = await findFrame(page, '[aria-label="Message Reasoner"]');
    assert.equal(await frame.locator('[aria-label="Message Reasoner"]').isVisible(), true);
    await workbench.screenshot('vsix-reasoner-view');
  });
});
