import * as assert from 'node:assert/strict';
import { launchWorkbench, findFrame, reasonerActivityItem, type Workbench } from '../harness/workbench';

suite('Workbench: the Reasoner view', () => {
  let workbench: Workbench;

  suiteSetup(async () => { workbench = await launchWorkbench(); });
  suiteTeardown(async () => { await workbench?.close(); });

  test('opens from the activity bar and shows its UI', async () => {
    const { page } = workbench;
    await reasonerActivityItem(page).locator('a').click();
    const title = page.locator('.part.sidebar .composite.title h2');
    await title.waitFor({ timeout: 30_000 });
    assert.match((await title.textContent()) ?? '', /reasoner/i);
    const frame = await findFrame(page, '[aria-label="Message Reasoner"]');
    await workbench.screenshot('reasoner-view');
    assert.equal(await frame.locator('[aria-label="Message Reasoner"]').isVisible(), true, 'the composer is visible');
  });
});
