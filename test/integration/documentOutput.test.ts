import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Simulator } from '../simulator/simulator';
import { closeAllEditors, connectSimulator, openFixture, reasoner, resetUserSettings, selectLines, waitFor } from './helpers';

suite('Answers streamed into a new document', () => {
  let sim: Simulator;
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => { unhandled.push(reason); };

  setup(async () => {
    sim = await connectSimulator();
    unhandled.length = 0;
    process.on('unhandledRejection', recordUnhandled);
  });

  teardown(async () => {
    process.off('unhandledRejection', recordUnhandled);
    await closeAllEditors();
    await resetUserSettings();
    await sim.close();
  });

  test('closing the document while the answer streams stops the request and says so; nothing is left unhandled', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    const lines = Array.from({ length: 40 }, (_, i) => `test("case ${i}", () => expect(distance(p, q)).toBe(${i}));`);
    sim.script({ text: `\`\`\`ts\n${lines.join('\n')}\n\`\`\``, deltaSize: 8, chunkDelayMs: 40 });
    const shownBefore = api.services.notifier.shown.length;

    const pending = vscode.commands.executeCommand<string | undefined>('reasoner.writeTests');
    const output = await waitFor('the first lines in the new document', () => {
      const document = vscode.window.activeTextEditor?.document;
      return document?.isUntitled && document.getText().includes('case 0') ? document : undefined;
    });
    await vscode.window.showTextDocument(output);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('the document to close', () => output.isClosed);

    assert.equal(await pending, undefined);
    const close = await sim.waitForClose(0);
    assert.equal(close.completed, false, 'the request was stopped before the answer ended');
    const shown = api.services.notifier.shown.slice(shownBefore);
    assert.equal(shown.length, 1, `one notification: ${shown.map((s) => s.message).join(' | ')}`);
    // Which of the two the write meets depends on when the extension host learns of the close.
    assert.match(shown[0].message, /could not be written to the document \((the document was closed|VS Code refused the edit)\)/);
    assert.ok(shown[0].actions.includes('Copy Answer'), `actions: ${shown[0].actions.join(', ')}`);
    assert.equal(vscode.workspace.textDocuments.some((document) => !document.isClosed && document.uri.toString() === output.uri.toString()), false,
      'no hidden document took the rest of the answer');
    // Rejections are reported once the current macrotask ends.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  });
});
