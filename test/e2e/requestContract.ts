/**
 * Root hooks for the end-to-end suites (required by .mocharc.json): the simulators they start run
 * in this process and check every answer request the workbench makes the extension send against
 * the contract; a break fails the test that caused it, as in the integration suite.
 */
import type { Context } from 'mocha';
import { assertNoRequestViolations } from '../simulator/simulator';

export const mochaHooks = {
  afterEach(this: Context): void {
    assertNoRequestViolations(this.currentTest?.fullTitle());
  },
};
