/**
 * Twenty explanations at once through the extension: every thread completes
 * with its own answer, every request reaches the gateway once, and the
 * connections stay within one per request. (The 500-request soak runs against
 * the client in test/unit/client-load.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import type { Simulator } from '../simulator/simulator';
import { connectSimulator, openFixture, reasoner, requestText } from './helpers';
import { cleanUpInline } from './inlineHelpers';

suite('Load: twenty explanations at once', () => {
  let sim: Simulator;

  setup(async () => {
    sim = await connectSimulator();
  });
  teardown(() => cleanUpInline(sim));

  test('20 concurrent Explain Selection runs all complete in their own threads, with one request each', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    sim.setDefault({ chunkDelayMs: 5, deltaSize: 3 });
    const withCode = Array.from({ length: editor.document.lineCount }, (_, line) => line).filter((line) => editor.document.lineAt(line).text.trim() !== '');
    const runs: Thenable<string | undefined>[] = [];
    for (let i = 0; i < 20; i++) {
      const line = withCode[i % withCode.length]!;
      editor.selection = new vscode.Selection(line, 0, line, editor.document.lineAt(line).text.length);
      runs.push(vscode.commands.executeCommand<string | undefined>(COMMANDS.explainSelection));
    }
    const answers = await Promise.all(runs);
    assert.equal(api.services.inline.sessions.length, 20, 'twenty threads');
    for (const [index, answer] of answers.entries()) {
      assert.ok(answer && /Simulated answer/.test(answer), `explanation ${index} completed: ${answer}`);
    }
    for (const session of api.services.inline.sessions) assert.equal(session.status, 'complete');
    assert.equal(sim.requests.length, 20, 'one request per explanation, none repeated');
    // Each answer quotes its own request: no answer went to the wrong thread.
    for (const session of api.services.inline.sessions) {
      const question = session.conversation.turns[0];
      assert.ok(question?.role === 'user');
      const code = question.context?.[0]?.code ?? '';
      assert.ok(sim.requests.some((request) => requestText(request.body).includes(code)), 'its code reached the gateway');
    }
    assert.ok(sim.openConnections <= 20, `${sim.openConnections} connections for 20 requests`);
    assert.equal(api.services.runner.activeCount, 0, 'nothing left running');
  });
});
