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

/**
 * Before a test that counts threads: ends any an earlier suite left behind when it failed before its own clean-up,
 * so that one failure is reported once, by its own suite, and not again by every test that counts threads after it.
 */
export async function disposeLeftoverThreads(): Promise<void> {
  const api = await reasoner();
  const left = [...api.services.inline.sessions];
  if (left.length > 0) console.warn(`${left.length} inline thread(s) left by an earlier test were closed before this one`);
  for (const session of left) session.dispose();
}

/** Leaves no thread, editor, setting or simulator behind for the next test. */
export async function cleanUpInline(sim: Simulator): Promise<void> {
  const api = await reasoner();
  for (const session of api.services.inline.sessions) session.dispose();
  await closeAllEditors();
  await resetUserSettings();
  await sim.close();
}
