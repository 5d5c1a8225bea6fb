import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { start, type Simulator } from '../simulator/simulator';
import {
  answerQuickInput, eventually, explainProblemFromLightBulb, findFrame, launchWorkbench, openFile, runCommand, selectLines, waitForQuickInput, setApiKeyThroughPalette, type Workbench,
} from '../harness/workbench';

const PROBLEM_SOURCE = [
  'export function describeTotal(prices: number[]): number {',
  '  let sum = 0;',
  '  for (const price of prices) {',
  '    sum += price;',
  '  }',
  '  const total: number = `${sum} in all`;',
  '  return total;',
  '}',
  '',
].join('\n');

suite('Workbench: Compare Models and Explain This Problem', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl } });
    fs.writeFileSync(path.join(workbench.folder, 'src', 'problem.ts'), PROBLEM_SOURCE);
    const { page } = workbench;
    await setApiKeyThroughPalette(page, 'sk-e2e-compare-4d2b8e6f1a');
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  setup(() => sim.reset());

  test('two models picked in the palette answer side by side with time, tokens and cost; a failure stays in its column; the kept answer goes on in the chat', async () => {
    const { page } = workbench;
    await openFile(page, 'sample.ts');
    await selectLines(page, 6, 4);
    await page.keyboard.press('Shift+End');

    sim.script(
      { forModel: 'o1', status: 400, message: 'o1 is not available on your plan' },
      { forModel: 'o3-mini', text: 'It returns the **Euclidean distance** between `a` and `b`.', chunkDelayMs: 40, usage: { input: 150, output: 300, reasoning: 192 } },
    );
    await runCommand(page, 'Reasoner: Compare Models on Selection');
    await waitForQuickInput(page, 'Compare Models (1/2)');
    // The current model (o3-mini) comes picked; pick o1 too.
    const o1 = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Careful, thorough reasoning' });
    await o1.click();
    await page.locator('.quick-input-widget').filter({ hasText: '2 Selected' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Compare Models (2/2)');
    await answerQuickInput(page, 'What does distance() compute?');

    const frame = await findFrame(page, '[data-role="column"]');
    const column = (model: string) => frame.locator(`[data-role="column"][data-model-id="${model}"]`);
    await column('o3-mini').locator('[data-role="answer"][data-state="complete"]').waitFor({ timeout: 30_000 });
    await column('o1').locator('[data-role="answer"][data-state="error"]').waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('[data-role="question"]').textContent(), 'What does distance() compute?');
    assert.match(await frame.locator('[data-role="context"]').textContent() ?? '', /sample\.ts:6-10/);

    const [left, right] = [await column('o1').boundingBox(), await column('o3-mini').boundingBox()];
    assert.ok(left && right);
    assert.ok(Math.abs(left.y - right.y) < 2 && right.x >= left.x + left.width - 2, 'the columns stand side by side, in the order picked');
    assert.equal(await column('o3-mini').locator('strong', { hasText: 'Euclidean distance' }).count(), 1, 'markdown is rendered');
    assert.match(await column('o3-mini').locator('[data-role="usage"]').textContent() ?? '', /^150 in · 300 out · 192 reasoning · \$\d/);
    assert.match(await column('o3-mini').locator('[data-role="elapsed"]').textContent() ?? '', /^\d+s$/);
    assert.match(await column('o1').locator('[data-role="error-message"]').textContent() ?? '', /o1 is not available on your plan/);
    assert.equal(await column('o1').locator('[data-turn-action="retry"]').count(), 1);
    await workbench.screenshot('compare-models');

    await column('o3-mini').locator('[data-role="keep"]').click();
    await column('o3-mini').locator('[data-role="kept"]').waitFor({ timeout: 15_000 });
    const chat = await findFrame(page, '[aria-label="Message Reasoner"]');
    const kept = chat.locator('[data-role="answer"]').filter({ hasText: 'Euclidean distance' });
    await kept.waitFor({ timeout: 30_000 });
    assert.match(await chat.locator('[data-role="prompt"]').last().textContent() ?? '', /What does distance\(\) compute\?/);
    assert.match(await kept.locator('[data-role="model"]').textContent() ?? '', /o3-mini/);
  });

  test('the light bulb on a TypeScript error offers "Explain this problem"; the explanation appears at the error and the fix opens as a diff', async () => {
    const { page } = workbench;
    const fixed = PROBLEM_SOURCE.split('\n').slice(2, 9).join('\n').replace('`${sum} in all`', 'sum');
    sim.script({ text: `The template literal makes a **string**, but \`total\` is a number.\n\n### Suggested fix\n\n\`\`\`typescript\n${fixed}\n\`\`\`\n` });
    await explainProblemFromLightBulb(page, 'problem.ts', ':6:11');

    const thread = page.locator('.review-widget').filter({ hasText: 'template literal makes' });
    await thread.waitFor({ timeout: 30_000 });
    await eventually('the thread to finish', async () => /done/.test(await thread.textContent() ?? ''));
    assert.match(JSON.stringify(sim.requests.at(-1)!.body), /Error ts\(2322\) at line 6, column 9: Type 'string' is not assignable to type 'number'/);
    await page.locator('.tabs-container .tab').filter({ hasText: 'suggested fix' }).waitFor({ timeout: 15_000 });
    await workbench.screenshot('explain-problem');
  });
});
