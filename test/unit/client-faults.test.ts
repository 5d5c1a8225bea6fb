/**
 * The fault matrix through the client: every way the gateway (or the network
 * between) can fail, and what the person then has. Each case checks the four
 * promises: a message that says what happened with a way forward, the partial
 * answer kept (and marked by the error that ended it), no unhandled rejection,
 * and the next request on the same client working. The cases are the rows of
 * test/fixtures/faultMatrix.ts, which docs/fault-matrix.md's table is written from.
 */
import * as assert from 'node:assert/strict';
import type { ReasoningClient } from '../../src/core/node/client';
import { runToCompletion } from '../../src/core/node/answer';
import { statusFor } from '../../src/core/common/conversation';
import { answerActionIds } from '../../src/core/common/answerNotices';
import { ERROR_ACTION_TITLES } from '../../src/core/common/errorPresenter';
import { CLIENT_FAULTS } from '../fixtures/faultMatrix';
import type { Simulator } from '../simulator/simulator';
import { request, simulatorSuite } from './support-core/harness';

describe('fault matrix through the client', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let client: ReasoningClient;
  let timeoutSeconds: number | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ ...(timeoutSeconds ? { timeoutSeconds } : {}), retry: { baseDelayMs: 5, maxDelayMs: 20 } }));

  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));

  it(`covers at least 25 cases (${CLIENT_FAULTS.length})`, () => assert.ok(CLIENT_FAULTS.length >= 25));

  for (const fault of CLIENT_FAULTS) {
    describe(fault.case, () => {
      before(() => { timeoutSeconds = fault.timeoutSeconds; });
      after(() => { timeoutSeconds = undefined; });

      it('ends with its message and exactly its actions, keeps what arrived, and the next request works', async () => {
        unhandled.length = 0;
        if (fault.backgroundMode) sim.configure({ backgroundMode: fault.backgroundMode });
        sim.script(...fault.scripts);
        const modelId = fault.model ?? 'o3-mini';
        const answer = await runToCompletion(client, request(modelId, fault.backgroundMode ? { background: true } : {}));

        if (fault.kind) {
          assert.ok(answer.error, `ends as ${fault.kind}, got ${answer.finish ?? 'no error'}`);
          assert.equal(answer.error.kind, fault.kind, answer.error.toLogString());
          if (fault.says) assert.match(answer.error.userMessage, fault.says);
        } else {
          assert.equal(answer.error, undefined, answer.error?.toLogString());
        }
        const status = statusFor({ stopped: false, failed: answer.error !== undefined, ...(answer.finish ? { finish: answer.finish } : {}) });
        const offered = answerActionIds(status, answer.error).map((id) => ERROR_ACTION_TITLES[id]);
        assert.deepEqual(offered, fault.actions, 'offers the actions docs/fault-matrix.md lists, in order');
        if (fault.keeps) assert.ok(answer.text.startsWith(fault.keeps), `keeps "${fault.keeps}", has "${answer.text.slice(0, 60)}"`);
        if (fault.finish) assert.equal(answer.finish, fault.finish);
        if (fault.notice) assert.match(answer.notice ?? '', fault.notice);

        sim.reset();
        const next = await runToCompletion(client, request(modelId));
        assert.equal(next.error, undefined, `the next request works: ${next.error?.toLogString()}`);
        assert.ok(next.text.length > 0);
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(unhandled, [], 'no unhandled rejection');
      });
    });
  }
});
