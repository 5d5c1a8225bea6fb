/**
 * The diff preview that Refactor Selection and the chat's Apply to Selection
 * share: a proposal lives exactly as long as its diff is open or until it is
 * applied or discarded.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import type { ChatViewProvider } from '../../src/vscode/chat/chatViewProvider';
import type { Simulator } from '../simulator/simulator';
import { closeAllEditors, connectSimulator, openFixture, reasoner, resetUserSettings, selectLines, waitFor } from './helpers';

const RENAMED = '```ts\n  const deltaX = a.x - b.x;\n  const deltaY = a.y - b.y;\n```';

function diffTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff);
}

suite('Diff preview of proposed changes', () => {
  let sim: Simulator;

  setup(async () => {
    sim = await connectSimulator();
  });

  teardown(async () => {
    await closeAllEditors();
    await resetUserSettings();
    await sim.close();
  });

  async function proposeRename(): Promise<{ editor: vscode.TextEditor; id: string }> {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 6, 7);
    sim.script({ text: RENAMED });
    await vscode.commands.executeCommand(COMMANDS.refactor, 'rename to deltaX/deltaY');
    await waitFor('the diff to open', () => diffTabs().length === 1);
    const proposal = api.services.proposals.all.at(-1);
    assert.ok(proposal, 'a proposal is pending');
    return { editor, id: proposal.id };
  }

  test('closing the diff without Apply or Discard drops the proposal: Apply then changes nothing', async () => {
    const api = await reasoner();
    const { editor, id } = await proposeRename();
    const original = editor.document.getText();

    await vscode.window.tabGroups.close(diffTabs());
    await waitFor('the proposal to be dropped', () => !api.services.proposals.all.some((proposal) => proposal.id === id));

    assert.equal(await vscode.commands.executeCommand(COMMANDS.refactorApply, id), undefined);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.refactorApply), undefined, 'Apply on the active editor finds no stale proposal');
    assert.equal(editor.document.getText(), original, 'nothing was applied');
  });

  test('Discard closes the diff and leaves the code as it was', async () => {
    const api = await reasoner();
    const { editor, id } = await proposeRename();
    const original = editor.document.getText();

    assert.equal(await vscode.commands.executeCommand(COMMANDS.refactorDiscard, id), 'discarded');
    assert.equal(diffTabs().length, 0, 'the diff is closed');
    assert.ok(!api.services.proposals.all.some((proposal) => proposal.id === id));
    assert.equal(editor.document.getText(), original);
  });

  suite('the chat\'s Apply to Selection', () => {
    async function selectLineTwo(): Promise<vscode.TextDocument> {
      const document = await vscode.workspace.openTextDocument({ content: 'line one\nline two\nline three\n', language: 'plaintext' });
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(1, 0, 1, 8);
      return document;
    }

    /** A question the test answers itself, later. */
    function question(): { readonly confirm: (text: string) => Promise<boolean>; readonly asked: Promise<string>; answer(yes: boolean): void } {
      let answer: (yes: boolean) => void = () => undefined;
      let asked: (text: string) => void = () => undefined;
      const askedPromise = new Promise<string>((resolve) => { asked = resolve; });
      return {
        confirm: (text) => { asked(text); return new Promise<boolean>((resolve) => { answer = resolve; }); },
        asked: askedPromise,
        answer: (yes) => answer(yes),
      };
    }

    test('shows the selection against the code in the shared diff; Apply on the diff answers the question', async () => {
      const api = await reasoner();
      const document = await selectLineTwo();
      const asking = question();
      const outcome = (api.services.chat as ChatViewProvider).codeBlocks.run('apply', 'LINE TWO', 'plaintext', asking.confirm);
      assert.match(await asking.asked, /^Apply the code block to line 2 of Untitled-\d+\?$/);

      const [tab] = diffTabs();
      assert.ok(tab, 'the diff is open');
      const input = tab.input as vscode.TabInputTextDiff;
      assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), 'line one\nline two\nline three\n');
      assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), 'line one\nLINE TWO\nline three\n');

      // What the Apply button in the diff's title does: it passes the diff's Uri.
      assert.equal(await vscode.commands.executeCommand(COMMANDS.refactorApply, input.modified), 'applied');
      assert.equal(await outcome, 'done');
      assert.equal(document.getText(), 'line one\nLINE TWO\nline three\n');
      assert.equal(diffTabs().length, 0, 'the diff is closed');
      assert.equal(api.services.proposals.all.length, 0);
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('undo');
      assert.equal(document.getText(), 'line one\nline two\nline three\n', 'one undo restores the original');
    });

    test('a yes after the selected code changed applies nothing; a yes after the diff was closed still applies', async () => {
      const api = await reasoner();
      const document = await selectLineTwo();
      const changedFirst = question();
      const refused = (api.services.chat as ChatViewProvider).codeBlocks.run('apply', 'LINE TWO', 'plaintext', changedFirst.confirm);
      await changedFirst.asked;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(1, 0), '// edited ');
      assert.ok(await vscode.workspace.applyEdit(edit));
      changedFirst.answer(true);
      assert.equal(await refused, 'changed');
      assert.equal(document.getText(), 'line one\n// edited line two\nline three\n');
      assert.equal(diffTabs().length, 0, 'the diff is closed');

      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(2, 0, 2, 10);
      const closedFirst = question();
      const applied = (api.services.chat as ChatViewProvider).codeBlocks.run('apply', 'LINE THREE', 'plaintext', closedFirst.confirm);
      await closedFirst.asked;
      await vscode.window.tabGroups.close(diffTabs());
      await waitFor('the proposal to be dropped', () => api.services.proposals.all.length === 0);
      closedFirst.answer(true);
      assert.equal(await applied, 'done');
      assert.equal(document.getText(), 'line one\n// edited line two\nLINE THREE\n');
    });
  });
});
