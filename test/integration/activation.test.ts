import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'reasoner-dev.reasoner';

suite('Extension activation', () => {
  test('runs inside VS Code and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension is loaded by the host');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('registers every contributed command', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    const contributed: string[] = extension.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, []);
    assert.ok(contributed.length >= 15);
  });

  test('reads its settings with the declared defaults', () => {
    const config = vscode.workspace.getConfiguration('reasoner');
    assert.equal(config.get('baseUrl'), 'https://api.aimlapi.com/v1');
    assert.equal(config.get('model'), 'o3-mini');
    assert.equal(config.get('reasoningEffort'), 'medium');
    assert.equal(config.get('requestTimeoutSeconds'), 900);
    assert.equal(config.get('requestDeadlineMinutes'), 60);
    assert.equal(config.get('stream'), true);
    assert.equal(config.inspect('baseUrl')?.defaultValue, 'https://api.aimlapi.com/v1');
  });
});
