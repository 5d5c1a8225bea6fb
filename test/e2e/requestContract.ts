/**
 * Root hooks for the end-to-end suites (required by .mocharc.json). A failed test keeps what the
 * workbench showed and logged (`test-results/failed-…`). The simulators the suites start run in this
 * process and check every answer request the workbench makes the extension send against the
 * contract; a break fails the test that caused it, as in the integration suite.
 */
import type { Context } from 'mocha';
import { keepFailedTest } from '../harness/workbench';
import { assertNoRequestViolations } from '../simulator/simulator';

export const mochaHooks = {
  async afterEach(this: Context): Promise<void> {
    if (this.currentTest?.state === 'failed') await keepFailedTest(this.currentTest.fullTitle());
    assertNoRequestViolations(this.currentTest?.fullTitle());
  },
};
