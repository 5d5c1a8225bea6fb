/**
 * What the bench parts that drive Reasoner in code-server share: the gateway simulator, a workbench whose Reasoner
 * talks to it, and the API key set through the palette as a user sets it. A part that fails leaves a screenshot of
 * the workbench; the workbench and the simulator are closed either way.
 */
import { start, type Simulator } from '../test/simulator/simulator';
import { launchWorkbench, setApiKeyThroughPalette, type Workbench } from '../test/harness/workbench';

export async function inSimulatedWorkbench<T>(
  part: string,
  userSettings: Record<string, unknown>,
  run: (workbench: Workbench, sim: Simulator) => Promise<T>,
): Promise<T> {
  const sim = await start();
  const workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl, ...userSettings } });
  try {
    await setApiKeyThroughPalette(workbench.page, `sk-bench-${part}-7d3e1a9c5b`);
    return await run(workbench, sim);
  } catch (error) {
    console.error(`${part}: the workbench at the failure: ${await workbench.screenshot(`bench-${part}-failed`)}`);
    throw error;
  } finally {
    await workbench.close();
    await sim.close();
  }
}
