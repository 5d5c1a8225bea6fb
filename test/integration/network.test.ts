/**
 * Company networks inside a real VS Code: an https gateway that only an authenticating
 * CONNECT proxy can reach (its name resolves nowhere else), a certificate from a company
 * CA that the editor was given through NODE_EXTRA_CA_CERTS (see run-integration.ts), and
 * a second CA nobody installed. Settings are the editor's own `http.*`, changed between
 * requests without a reload.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import { startConnectProxy, type ConnectProxy } from '../network/connectProxy';
import { createTestPki, GATEWAY_HOST, UNTRUSTED_CA_NAME } from '../network/pki';
import { start, type Simulator } from '../simulator/simulator';
import {
  closeAllEditors, markdownOf, openFixture, reasoner, resetUserSettings, selectLines, setUserSetting, TEST_KEY, waitFor, workspaceFolder,
} from './helpers';
import { onlySession } from './inlineHelpers';

const HTTP_SETTINGS = ['proxy', 'proxyAuthorization', 'noProxy', 'proxyStrictSSL', 'proxySupport'];

async function setHttp(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('http').update(key, value, vscode.ConfigurationTarget.Global);
}

suite('Behind a company proxy, with a company CA', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let untrusted: Simulator;
  let proxy: ConnectProxy;

  suiteSetup(async () => {
    const dir = process.env.REASONER_TEST_PKI;
    assert.ok(dir, 'the harness made the test certificates');
    const pki = createTestPki(dir);
    sim = await start({ tls: pki.gateway, publicHost: GATEWAY_HOST });
    untrusted = await start({ tls: pki.untrustedGateway, publicHost: 'inspected.test' });
    proxy = await startConnectProxy({
      credentials: { user: 'dev', password: 'corp-pass' },
      hosts: { [GATEWAY_HOST]: sim.port, 'inspected.test': untrusted.port },
    });
  });

  setup(async () => {
    sim.reset();
    untrusted.reset();
    proxy.reset();
    await setUserSetting('baseUrl', sim.baseUrl);
    await vscode.commands.executeCommand(COMMANDS.clearApiKey, { confirm: false });
    await vscode.commands.executeCommand(COMMANDS.setApiKey, TEST_KEY);
  });

  teardown(async () => {
    const api = await reasoner();
    for (const session of api.services.inline.sessions) session.dispose();
    await closeAllEditors();
    for (const key of HTTP_SETTINGS) await setHttp(key, undefined);
    delete process.env.HTTPS_PROXY;
    await resetUserSettings();
  });

  suiteTeardown(async () => {
    await Promise.all([sim?.close(), untrusted?.close(), proxy?.close()]);
  });

  async function ask(text = 'Which port?') {
    const api = await reasoner();
    return api.services.runner.run({ source: 'test', modelId: 'o3-mini', turns: [{ role: 'user', text }] });
  }

  test('Explain Selection answers from an https gateway only the proxy can reach; the key crosses the proxy only inside the tunnel', async () => {
    await setHttp('proxy', proxy.urlWithCredentials);
    sim.script({ text: 'It returns the distance between two points.' });
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    await vscode.commands.executeCommand(COMMANDS.explainSelection);
    const session = await onlySession();
    assert.equal(session.lastAnswer?.error, undefined, JSON.stringify(session.lastAnswer?.error));
    assert.match(markdownOf(session.thread.comments.at(-1)!), /It returns the distance between two points\./);
    assert.deepEqual(proxy.connects.map((c) => [c.target, c.status]), [[`${GATEWAY_HOST}:${sim.port}`, 200]]);
    assert.equal(proxy.connects[0]?.proxyAuthorization, `Basic ${Buffer.from('dev:corp-pass').toString('base64')}`);
    assert.equal(sim.requests[0]?.headers.authorization, `Bearer ${TEST_KEY}`);
    const seen = proxy.tunnelBytes();
    assert.ok(seen.length > 200);
    assert.equal(seen.includes(TEST_KEY), false, 'the proxy never saw the key in clear');
  });

  test('the environment\'s HTTPS_PROXY is used when http.proxy is empty', async () => {
    process.env.HTTPS_PROXY = proxy.urlWithCredentials;
    sim.script({ text: 'via the environment' });
    const result = await ask();
    assert.equal(result.text, 'via the environment', result.error?.userMessage);
    assert.equal(proxy.connects.length, 1);
  });

  test('http.noProxy sends the gateway direct: the proxy sees nothing, and the name that only the proxy knows does not resolve', async () => {
    await setHttp('proxy', proxy.urlWithCredentials);
    await setHttp('noProxy', [GATEWAY_HOST]);
    const result = await ask();
    assert.equal(result.error?.network?.problem, 'dns', result.error?.userMessage);
    assert.match(result.error.userMessage, new RegExp(`${GATEWAY_HOST.replace('.', '\\.')}:\\d+ does not resolve`));
    assert.equal(proxy.connects.length, 0);
  });

  test('a wrong proxy password: the thread says 407 and links Proxy Settings; the corrected setting works on the next request, no reload', async () => {
    await setHttp('proxy', proxy.urlWithCredentials.replace('corp-pass', 'wrong-pass'));
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    await vscode.commands.executeCommand(COMMANDS.explainSelection);
    const session = await onlySession();
    const shown = markdownOf(session.thread.comments.at(-1)!);
    assert.match(shown, /needs credentials, or refused the ones given \\?\(HTTP 407\\?\)/);
    assert.match(shown, /\[Proxy Settings\]\(command:workbench\.action\.openSettings\?%5B%22http\.proxy%22%5D\)/);
    assert.doesNotMatch(shown, /wrong-pass/);
    assert.equal(sim.requests.length, 0);

    await setHttp('proxy', proxy.urlWithCredentials);
    sim.script({ text: 'Now it goes through.' });
    const result = await ask();
    assert.equal(result.text, 'Now it goes through.', result.error?.userMessage);
  });

  test('http.proxyAuthorization is sent to the proxy as is', async () => {
    await setHttp('proxy', proxy.url);
    await setHttp('proxyAuthorization', `Basic ${Buffer.from('dev:corp-pass').toString('base64')}`);
    sim.script({ text: 'authorized by header' });
    const result = await ask();
    assert.equal(result.text, 'authorized by header', result.error?.userMessage);
  });

  test('a certificate from a CA nobody installed: the message names its issuer and nothing is sent', async () => {
    await setHttp('proxy', proxy.urlWithCredentials);
    await setUserSetting('baseUrl', untrusted.baseUrl);
    const result = await ask();
    assert.equal(result.error?.network?.problem, 'certificate', result.error?.userMessage);
    assert.match(result.error.userMessage, new RegExp(`not trusted.*issued by “${UNTRUSTED_CA_NAME}”`));
    assert.equal(untrusted.requests.length, 0);
  });

  test('a workspace cannot send the key through a proxy of its choosing, nor turn certificate checks off', async () => {
    const hostile = await startConnectProxy({ hosts: { [GATEWAY_HOST]: sim.port } });
    const settingsDir = path.join(workspaceFolder(), '.vscode');
    try {
      await setHttp('proxy', proxy.urlWithCredentials);
      fs.mkdirSync(settingsDir, { recursive: true });
      fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({
        'http.proxy': hostile.url, 'http.proxyStrictSSL': false, 'http.noProxy': [GATEWAY_HOST], 'reasoner.reasoningEffort': 'high',
      }));
      await waitFor('the workspace settings to load', () => vscode.workspace.getConfiguration('reasoner').get('reasoningEffort') === 'high');
      sim.script({ text: 'through the user\'s proxy' });
      const result = await ask();
      assert.equal(result.text, 'through the user\'s proxy', result.error?.userMessage);
      assert.equal(hostile.connects.length, 0, 'the workspace\'s proxy saw nothing');
      assert.equal(proxy.connects.length, 1, 'the user\'s proxy carried the request');
    } finally {
      fs.rmSync(settingsDir, { recursive: true, force: true });
      await waitFor('the workspace settings to unload', () => vscode.workspace.getConfiguration('reasoner').get('reasoningEffort') === 'medium');
      await hostile.close();
    }
  });

  test('Check Connection: every stage ok through the proxy; with a wrong password it stops at the tunnel with the fix', async () => {
    await setHttp('proxy', proxy.urlWithCredentials);
    sim.script({ text: 'OK' });
    const good = await vscode.commands.executeCommand<string>(COMMANDS.checkConnection, { show: false });
    assert.match(good, /Proxy: +http:\/\/127\.0\.0\.1:\d+ \(from http\.proxy; credentials in the URL\)/);
    assert.match(good, /Certificates: Node's bundled CAs \+ NODE_EXTRA_CA_CERTS/);
    for (const stage of ['Settings', 'Name lookup', 'TCP connect', 'Proxy tunnel', 'TLS', 'Gateway and key']) {
      assert.match(good, new RegExp(`^ok +${stage} +\\d+ ms`, 'm'), `${stage} ok in:\n${good}`);
    }
    assert.match(good, /issued by “Reasoner Test Company CA”, trusted/);
    assert.match(good, /Result: Reasoner can reach the gateway, and the key works\./);
    assert.equal(sim.requests.length, 1, 'one small real request proved the key');
    assert.doesNotMatch(good, new RegExp(`${TEST_KEY}|corp-pass`));

    await setHttp('proxy', proxy.urlWithCredentials.replace('corp-pass', 'wrong-pass'));
    const bad = await vscode.commands.executeCommand<string>(COMMANDS.checkConnection, { show: false });
    assert.match(bad, /^FAIL Proxy tunnel .*HTTP 407/m);
    assert.match(bad, /Fix: .*http\.proxyAuthorization/);
    assert.match(bad, /^-- +Gateway and key/m);
    assert.equal(sim.requests.length, 1, 'the key was not tried');
  });
});
