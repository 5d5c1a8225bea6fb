/** Moves shared by the inline-thread suites. */
import * as assert from 'node:assert/strict';
import type { Simulator } from '../simulator/simulator';
import { closeAllEditors, reasoner, resetUserSettings } from './helpers';

/** The one inline thread the test opened. */
export async function onlySession() {
  const api = await reasoner();
  assert.equal(api.services.inline.sessions.length, 1, 'one inline thread');
  return api.services.inline.sessions[0]!;
}

/** Leaves no thread, editor, setting or simulator behind for the next test. */
export async function cleanUpInline(sim: Simulator): Promise<void> {
  const api = await reasoner();
  for (const session of api.services.inline.sessions) session.dispose();
  await closeAllEditors();
  await resetUserSettings();
  await sim.close();
}
