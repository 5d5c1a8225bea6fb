import * as assert from 'node:assert/strict';
import { marked } from 'marked';
import * as vscode from 'vscode';
import type { Simulator } from '../simulator/simulator';
import { connectSimulator, markdownOf, openFixture, reasoner, selectLines, waitFor } from './helpers';
import { cleanUpInline, disposeLeftoverThreads, onlySession } from './inlineHelpers';

/** What a comment shows of an answer at most (threadRendering's COMMENT_ANSWER_LIMIT). */
const COMMENT_LIMIT = 100_000;

suite('Inline threads: inert and bounded', () => {
  let sim: Simulator;

  setup(async () => {
    await disposeLeftoverThreads();
    sim = await connectSimulator();
  });

  teardown(() => cleanUpInline(sim));

  test('an answer longer than a comment shows is cut there with a note, and opens whole as a read-only inert document', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    const paragraph = 'The distance is computed with `Math.hypot` on the deltas of both axes. ';
    const answer = `${paragraph.repeat(Math.ceil((COMMENT_LIMIT * 3) / paragraph.length))}\n\nEnd ![x](https://attacker.example/end.png)`;
    sim.script({ text: answer, deltaSize: 4096 });
    assert.equal(await vscode.commands.executeCommand<string>('reasoner.explainSelection'), answer);
    const session = await onlySession();
    const comment = session.thread.comments[1]!;
    const shown = markdownOf(comment);
    assert.ok(shown.length < COMMENT_LIMIT * 1.2, `the comment holds ${shown.length} characters`);
    assert.match(shown, new RegExp(`first 100,000 of ${answer.length.toLocaleString('en-US')} characters`));
    assert.doesNotMatch(shown, /End/);
    assert.match(comment.contextValue ?? '', /answer-cut/);

    const uri = await vscode.commands.executeCommand<string>('reasoner.inline.openAnswer', session.thread);
    const document = vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri);
    assert.ok(document, 'the answer document is open');
    assert.equal(document.uri.scheme, 'reasoner-answer', 'a read-only document: closing it asks nothing');
    assert.equal(document.isUntitled, false);
    assert.ok(document.getText().length >= answer.length, 'the whole answer');
    assert.ok(document.getText().endsWith('End \\![x](<https://attacker.example/end.png>)'), 'inert: its preview would fetch nothing');
  });

  test('while an answer longer than a comment shows streams on, the comment stops changing at the cut and says the rest is arriving', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    const paragraph = 'Each axis contributes its squared delta before the square root is taken. ';
    const answer = paragraph.repeat(Math.ceil((COMMENT_LIMIT * 3) / paragraph.length));
    // About 150 pieces 50 ms apart: the cut comes after about 2.5 s, and the answer streams on for about 5 s more.
    sim.script({ text: answer, deltaSize: 2048, chunkDelayMs: 50 });
    const explained = vscode.commands.executeCommand<string>('reasoner.explainSelection');
    const session = await waitFor('the thread', () => api.services.inline.sessions[0]);
    await waitFor('the cut while the answer streams', () => session.thread.comments[1] && /the rest is still arriving/.test(markdownOf(session.thread.comments[1])), 60_000);
    const drawn = session.thread.comments;
    const label = session.thread.label;
    const arrived = session.lastAnswer!.text.length;
    await waitFor('a later draw with more of the answer', () => session.thread.label !== label && session.lastAnswer!.text.length > arrived, 60_000);
    assert.equal(session.lastAnswer!.status, 'streaming', 'the answer still streams');
    assert.equal(session.thread.comments, drawn, 'past the cut a draw sends no comment: only the label moves');
    assert.equal(await explained, answer);
    assert.match(markdownOf(session.thread.comments[1]!), new RegExp(`first 100,000 of ${answer.length.toLocaleString('en-US')} characters`));
  });

  test('theme icons in an answer show as text, and a server message cannot make a command link next to Retry', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: '$(check) All tests passed $(shield) verified' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    let session = await onlySession();
    const answer = session.thread.comments[1]!;
    assert.equal((answer.body as vscode.MarkdownString).supportThemeIcons, false, 'no icon syntax in a comment with model text');
    assert.match(markdownOf(answer), /\\\$\(check\) All tests passed/);
    session.dispose();

    selectLines(editor, 5, 9);
    const message = 'Busy, see xhttps://status.example/a\\<command:reasoner.setApiKey?%5B%22sk-attacker%22%5D> and `x\\`<command:reasoner.clearApiKey>';
    sim.setDefault({ status: 400, message });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    session = await onlySession();
    const error = session.thread.comments.at(-1)!;
    assert.ok((error.body as vscode.MarkdownString).isTrusted, 'the error comment runs its own actions');
    // Rendered as VS Code renders it (marked, GFM): the only command links are the comment's own actions.
    const html = marked.parse(markdownOf(error), { async: false, gfm: true });
    assert.match(html, /Busy, see/);
    const links = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
    assert.ok(links.length > 0, 'Retry and the other actions are links');
    const enabled = (error.body as vscode.MarkdownString).isTrusted as { enabledCommands: readonly string[] };
    for (const link of links) {
      const command = /^command:([\w.]+)\?/.exec(link)?.[1];
      assert.ok(command && enabled.enabledCommands.includes(command) && !/ApiKey/.test(command), link);
    }
    assert.match(html, /&lt;command:reasoner\.setApiKey\?%5B%22sk-attacker%22%5D&gt;/, 'the server\'s words show as text');
    assert.doesNotMatch(html, /href="command:reasoner\.(setApiKey|clearApiKey)/);
  });
});
