import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import * as vscode from 'vscode';
import { ATTACKER_HOST } from '../fixtures/hostile-answers';
import type { Simulator } from '../simulator/simulator';
import { start } from '../simulator/simulator';
import { commandQuickInputUntil, connectSimulator, reasoner, resetUserSettings, setUserSetting, TEST_KEY, waitFor, workspaceFolder } from './helpers';

suite('API key, settings, model and effort', () => {
  let sim: Simulator;

  setup(async () => {
    await reasoner();
    sim = await connectSimulator();
  });

  teardown(async () => {
    await resetUserSettings();
    await sim.close();
  });

  async function ask(text = 'Hello') {
    const api = await reasoner();
    return api.services.runner.run({ source: 'test', turns: [{ role: 'user', text }] });
  }

  test('a key set by argument is sent as a bearer token to the configured gateway only', async () => {
    const result = await ask();
    assert.equal(result.error, undefined, result.error?.userMessage);
    assert.equal(sim.requests.length, 1);
    assert.equal(sim.requests[0].headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal(sim.requests[0].path, '/v1/chat/completions');
  });

  test('the key is trimmed, and a key with inner spaces is refused', async () => {
    assert.equal(await vscode.commands.executeCommand('reasoner.clearApiKey', { confirm: false }), 'cleared');
    assert.equal(await vscode.commands.executeCommand('reasoner.setApiKey', '  sk-trimmed-key  '), 'set');
    await ask();
    assert.equal(sim.requests[0].headers.authorization, 'Bearer sk-trimmed-key');
    assert.equal(await vscode.commands.executeCommand('reasoner.setApiKey', 'sk-with space'), undefined);
    await ask();
    assert.equal(sim.requests[1].headers.authorization, 'Bearer sk-trimmed-key', 'the rejected key did not replace the stored one');
  });

  test('a key passed as an argument does not replace a different stored key unless the person presses Enter in the password box', async () => {
    const api = await reasoner();
    const replacing = vscode.commands.executeCommand('reasoner.setApiKey', 'sk-passed-by-someone-else');
    assert.equal(await api.services.keys.get(), TEST_KEY, 'nothing replaced while the box is open');
    assert.equal(await commandQuickInputUntil('workbench.action.closeQuickOpen', replacing), undefined, 'Escape keeps the stored key');
    assert.equal(await api.services.keys.get(), TEST_KEY);

    const accepted = vscode.commands.executeCommand('reasoner.setApiKey', 'sk-passed-and-accepted');
    assert.equal(await commandQuickInputUntil('workbench.action.acceptSelectedQuickOpenItem', accepted), 'set', 'Enter stores the passed key');
    assert.equal(await api.services.keys.get(), 'sk-passed-and-accepted');
    assert.equal(await vscode.commands.executeCommand('reasoner.setApiKey', 'sk-passed-and-accepted'), 'set', 'the same key again needs no question');
  });

  test('with a keyring that cannot be read, a key passed as an argument is stored only after a modal yes, never silently', async () => {
    const { keys } = (await reasoner()).services;
    const { get, set } = keys;
    const stored: string[] = [];
    keys.get = () => Promise.reject(new Error('the keyring is locked'));
    keys.set = async (key) => { stored.push(key); };
    try {
      // VS Code's test host refuses to show modal dialogs, which counts as no.
      assert.equal(await vscode.commands.executeCommand('reasoner.setApiKey', 'sk-passed-while-locked'), undefined);
      assert.deepEqual(stored, [], 'nothing stored without the person\'s yes');
    } finally {
      keys.get = get;
      keys.set = set;
    }
    assert.equal(await keys.get(), TEST_KEY);
  });

  test('a model id from a workspace\'s settings shows literally in the status bar: no icon in its text, no image or link in its tooltip', async () => {
    const api = await reasoner();
    const hostile = `![](https://${ATTACKER_HOST}/p.png) [run](command:workbench.action.quit) $(bug) <img src=https://${ATTACKER_HOST}/i.png>`;
    const settingsDir = path.join(workspaceFolder(), '.vscode');
    try {
      fs.mkdirSync(settingsDir, { recursive: true });
      fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ 'reasoner.model': hostile }));
      await waitFor('the status bar to follow', () => api.statusBar.text.includes('attacker'));
      const unescapedIcons = [...api.statusBar.text.matchAll(/(\\)?\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g)].filter((icon) => !icon[1]).map((icon) => icon[0]);
      assert.deepEqual(unescapedIcons, ['$(sparkle)'], api.statusBar.text);
      const tooltip = api.statusBar.tooltip;
      assert.ok(tooltip instanceof vscode.MarkdownString);
      const tokens = new MarkdownIt({ html: true }).parse(tooltip.value, {}).flatMap((token) => [token, ...token.children ?? []]);
      const active = tokens.filter((token) => ['image', 'link_open', 'html_inline', 'html_block'].includes(token.type));
      assert.deepEqual(active.map((token) => token.type), [], tooltip.value);
      // appendText writes spaces as &nbsp; and an icon as `\$(name)`, which VS Code shows as `$(name)`.
      const text = tokens.filter((token) => token.type === 'text').map((token) => token.content).join('')
        .replace(/\u00a0/g, ' ').replaceAll('\\$(', '$(');
      assert.ok(text.includes(hostile), `the model id is there as text: ${text}`);
    } finally {
      fs.rmSync(settingsDir, { recursive: true, force: true });
      await waitFor('the workspace settings to unload', () => api.statusBar.text.includes('o3-mini'));
    }
  });

  test('with no key, nothing is sent and a notification offers Set API Key, Get a Key and Retry; setting it lets the request go on', async () => {
    const api = await reasoner();
    assert.equal(await vscode.commands.executeCommand('reasoner.clearApiKey', { confirm: false }), 'cleared');
    let retried: Promise<unknown> | undefined;
    const result = await api.services.runner.run({
      source: 'test', turns: [{ role: 'user', text: 'kept question' }],
      retry: () => { retried = api.services.runner.run({ source: 'test', turns: [{ role: 'user', text: 'kept question' }] }); return retried; },
    });
    assert.equal(result.error?.kind, 'no-key');
    assert.equal(sim.requests.length, 0, 'no request without a key');
    const shown = api.services.notifier.shown.at(-1);
    assert.ok(shown);
    assert.match(shown.message, /API key/);
    // The error presenter's list, the same as the inline thread's links: the fix first, Retry last.
    assert.deepEqual(shown.actions, ['Set API Key', 'Get a Key', 'Retry']);
    // A key arriving from elsewhere (another window) is picked up at once.
    await api.services.keys.set('sk-from-elsewhere');
    await ask('second');
    assert.equal(sim.requests[0].headers.authorization, 'Bearer sk-from-elsewhere');
  });

  test('a 401 says the key was rejected and offers Set API Key; a 403 says credits, not the key', async () => {
    const api = await reasoner();
    sim.script({ status: 401, message: 'Invalid API key provided' });
    const rejected = await ask();
    assert.equal(rejected.error?.kind, 'auth');
    assert.match(rejected.error!.userMessage, /rejected your API key/);
    assert.match(rejected.error!.userMessage, /Invalid API key provided/);
    assert.ok(api.services.notifier.shown.at(-1)!.actions.includes('Set API Key'));

    sim.script({ status: 403, errorShape: 'gateway', message: 'Insufficient credits. Please top up.' });
    const broke = await ask();
    assert.equal(broke.error?.kind, 'credits');
    assert.match(broke.error!.userMessage, /Insufficient credits/);
    assert.match(broke.error!.userMessage, /not a problem with your key/);
    assert.ok(!api.services.notifier.shown.at(-1)!.actions.includes('Set API Key'));
  });

  test('a workspace .vscode/settings.json cannot redirect the key to another server', async () => {
    const other = await start();
    const settingsDir = path.join(workspaceFolder(), '.vscode');
    const settingsFile = path.join(settingsDir, 'settings.json');
    try {
      fs.mkdirSync(settingsDir, { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'reasoner.baseUrl': other.baseUrl, 'reasoner.reasoningEffort': 'high' }));
      // The window-scoped effort proves the file was read; the application-scoped URL must not be.
      await waitFor('the workspace settings to load', () => vscode.workspace.getConfiguration('reasoner').get('reasoningEffort') === 'high');
      const result = await ask();
      assert.equal(result.error, undefined, result.error?.userMessage);
      assert.equal(other.requests.length, 0, 'nothing reached the workspace-configured server');
      assert.equal(sim.requests.length, 1, 'the request went to the user-level URL');
      assert.equal((sim.requests[0].body as { reasoning_effort?: string }).reasoning_effort, 'high');
    } finally {
      fs.rmSync(settingsDir, { recursive: true, force: true });
      await waitFor('the workspace settings to unload', () => vscode.workspace.getConfiguration('reasoner').get('reasoningEffort') === 'medium');
      await other.close();
    }
  });

  test('plain http to a non-loopback host is refused with a clear message, and nothing is sent', async () => {
    const api = await reasoner();
    await setUserSetting('baseUrl', 'http://gateway.example.com/v1');
    const result = await ask();
    assert.equal(result.error?.kind, 'config');
    assert.match(result.error!.userMessage, /Refusing to send your API key over plain http to gateway\.example\.com/);
    assert.match(api.services.notifier.shown.at(-1)!.message, /plain http/);
    assert.equal(sim.requests.length, 0);
  });

  test('switching model and effort changes the next request: id, endpoint and effort field', async () => {
    const api = await reasoner();
    assert.equal(await vscode.commands.executeCommand('reasoner.selectModel', 'o3-pro', 'high'), 'o3-pro');
    await waitFor('the status bar to follow', () => api.statusBar.text.includes('o3-pro · high'));
    await ask('deep question');
    // o3-pro runs in background mode: its POST, then polls of its job.
    const asked = () => sim.requests.filter((request) => request.method === 'POST');
    const pro = asked()[0];
    assert.equal(pro.path, '/v1/responses');
    assert.equal((pro.body as { model: string }).model, 'openai/o3-pro');
    assert.deepEqual((pro.body as { reasoning: unknown }).reasoning, { effort: 'high', summary: 'auto' });

    assert.equal(await vscode.commands.executeCommand('reasoner.selectModel', 'o1'), 'o1');
    assert.equal(await vscode.commands.executeCommand('reasoner.selectReasoningEffort', 'low'), 'low');
    await ask('quick question');
    const o1 = asked()[1];
    assert.equal(o1.path, '/v1/chat/completions');
    assert.equal((o1.body as { model: string }).model, 'o1');
    assert.equal((o1.body as { reasoning_effort: string }).reasoning_effort, 'low');
    assert.equal(vscode.workspace.getConfiguration('reasoner').inspect('model')?.globalValue, 'o1', 'saved to user settings');
  });

  test('a user-defined model from reasoner.models is offered and used', async () => {
    await setUserSetting('models', [{ id: 'o4-mini', model: 'openai/o4-mini-2025-04-16', api: 'chat', label: 'o4-mini' }]);
    assert.equal(await vscode.commands.executeCommand('reasoner.selectModel', 'o4-mini'), 'o4-mini');
    await ask();
    assert.equal((sim.requests[0].body as { model: string }).model, 'openai/o4-mini-2025-04-16');
    assert.equal(sim.requests[0].path, '/v1/chat/completions');
  });

  test('the log records each request and never the key, even at debug level', async () => {
    const api = await reasoner();
    sim.script({ text: 'logged answer' });
    await ask('log me');
    sim.script({ status: 401, message: `bad key ${TEST_KEY}` });
    await ask('log me too');
    const logDir = api.services.context.logUri.fsPath;
    const readLog = () => {
      if (!fs.existsSync(logDir)) return '';
      return fs.readdirSync(logDir, { recursive: true })
        .map((name) => path.join(logDir, String(name)))
        .filter((file) => fs.statSync(file).isFile())
        .map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    };
    const log = await waitFor('the log file to hold both requests', () => {
      const text = readLog();
      return (text.match(/requestId=/g) ?? []).length >= 2 ? text : undefined;
    }).catch((error: Error) => assert.fail(`${error.message}; log so far:\n${readLog()}`));
    assert.match(log, /model=o3-mini/);
    assert.match(log, /latency=\d+ms/);
    assert.match(log, /tokens in=\d+ out=\d+ reasoning=\d+/);
    assert.ok(log.includes('log me'), 'debug level logs request bodies');
    assert.equal(log.includes(TEST_KEY), false, 'the key never appears in the log');
  });
});
