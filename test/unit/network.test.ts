import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { runToCompletion } from '../../src/core/node/answer';
import { ReasoningClient } from '../../src/core/node/client';
import { checkConnection } from '../../src/core/node/connectionCheck';
import { bypassesProxy, InvalidProxyError, routeFor, type NetworkSettings } from '../../src/core/node/network';
import { startConnectProxy, type ConnectProxy } from '../network/connectProxy';
import { createTestPki, GATEWAY_HOST, UNTRUSTED_CA_NAME, type TestPki } from '../network/pki';
import { start, type Simulator } from '../simulator/simulator';
import { instantSleep, request, TEST_KEY } from './support-core/harness';

const GATEWAY = new URL('https://gateway.test/v1');

describe('network: which route a request takes', () => {
  it('http.proxy wins over the environment; HTTPS_PROXY over HTTP_PROXY for https; either case', () => {
    const env = { https_proxy: 'http://env-https:3128', HTTP_PROXY: 'http://env-http:3128' };
    assert.equal(routeFor(GATEWAY, { proxy: 'http://setting:8080', env }).proxy?.display, 'http://setting:8080');
    assert.equal(routeFor(GATEWAY, { env }).proxy?.display, 'http://env-https:3128');
    assert.equal(routeFor(GATEWAY, { env }).proxy?.source, 'https_proxy');
    assert.equal(routeFor(GATEWAY, { env: { HTTP_PROXY: 'env-http:3128' } }).proxy?.display, 'http://env-http:3128', 'a scheme-less proxy is http');
    assert.equal(routeFor(GATEWAY, {}).direct, 'no proxy configured');
  });

  it('loopback base URLs never go through a proxy', () => {
    for (const url of ['http://127.0.0.1:8787/v1', 'http://localhost:1/v1', 'http://[::1]:9/v1', 'https://127.3.2.1/v1']) {
      assert.equal(routeFor(new URL(url), { proxy: 'http://proxy:3128', env: { HTTPS_PROXY: 'http://p:1' } }).direct, 'loopback', url);
    }
  });

  it('http.noProxy and NO_PROXY: exact hosts, suffixes, wildcards and ports; http.proxySupport off means no proxy', () => {
    const proxied = (settings: NetworkSettings, url = GATEWAY) => routeFor(url, { proxy: 'http://proxy:3128', ...settings }).proxy !== undefined;
    assert.equal(proxied({ noProxy: ['gateway.test'] }), false);
    assert.equal(proxied({ noProxy: ['.test'] }), false);
    assert.equal(proxied({ noProxy: ['*.test'] }), false);
    assert.equal(proxied({ noProxy: ['test'] }), false, 'a domain covers its subdomains');
    assert.equal(proxied({ noProxy: ['*'] }), false);
    assert.equal(proxied({ noProxy: ['gateway.test:443'] }), false);
    assert.equal(proxied({ noProxy: ['gateway.test:8443'] }), true, 'another port does not match');
    assert.equal(proxied({ noProxy: ['other.test', 'way.test'] }), true, 'no partial label match');
    assert.equal(proxied({ env: { NO_PROXY: 'example.com, gateway.test' } }), false);
    assert.equal(proxied({ env: { no_proxy: '.test' } }), false);
    assert.equal(proxied({ proxySupport: 'off' }), false);
    assert.equal(routeFor(GATEWAY, { proxy: 'http://proxy:3128', proxySupport: 'off' }).direct, 'http.proxySupport is off');
    assert.equal(bypassesProxy(new URL('https://[2001:db8::1]/'), ['[2001:db8::1]:443']), true);
  });

  it('credentials never show in the route; http.proxyAuthorization is named as the source of authentication', () => {
    const route = routeFor(GATEWAY, { proxy: 'http://alice:s3cret@proxy:3128' });
    assert.equal(route.proxy?.display, 'http://proxy:3128');
    assert.equal(route.proxy?.authentication, 'credentials in the URL');
    assert.equal(routeFor(GATEWAY, { proxy: 'http://proxy:3128', proxyAuthorization: 'Basic eA==' }).proxy?.authentication, 'http.proxyAuthorization');
    assert.throws(() => routeFor(GATEWAY, { proxy: 'socks5://u:pw@proxy:1080' }), (error: unknown) =>
      error instanceof InvalidProxyError && !error.message.includes('pw'));
  });

  it('http.proxyStrictSSL off turns verification off through the proxy only', () => {
    assert.equal(routeFor(GATEWAY, { proxy: 'http://proxy:3128', proxyStrictSSL: false }).verify, false);
    assert.equal(routeFor(GATEWAY, { proxyStrictSSL: false }).verify, true);
  });
});

describe('network: through a real authenticating CONNECT proxy to an https gateway', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let sim: Simulator;
  let untrusted: Simulator;
  let proxy: ConnectProxy;
  const clients: ReasoningClient[] = [];

  before(async () => {
    pki = createTestPki(path.join(os.tmpdir(), 'reasoner-test-pki'));
    sim = await start({ tls: pki.gateway, publicHost: GATEWAY_HOST });
    untrusted = await start({ tls: pki.untrustedGateway, publicHost: 'inspected.test' });
    proxy = await startConnectProxy({
      credentials: { user: 'dev', password: 'pa:ss@1' },
      hosts: { [GATEWAY_HOST]: sim.port, 'inspected.test': untrusted.port },
      refuse: ['blocked.test'],
    });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all([sim?.close(), untrusted?.close(), proxy?.close()]);
  });
  beforeEach(() => {
    sim.reset();
    proxy.reset();
  });

  function client(baseUrl: string, network: NetworkSettings): ReasoningClient {
    const made = new ReasoningClient({
      baseUrl, apiKey: () => TEST_KEY, timeoutSeconds: 10, network: { extraCertificates: [pki.caPem], ...network },
      retry: { maxRetries: 2 }, sleep: instantSleep().sleep,
    });
    clients.push(made);
    return made;
  }

  it('answers through the tunnel; the proxy sees its credentials and only encrypted bytes, never the key', async () => {
    sim.script({ text: 'Through the tunnel.' });
    const answer = await runToCompletion(client(sim.baseUrl, { proxy: proxy.urlWithCredentials }), request('o3-mini'));
    assert.equal(answer.error, undefined, answer.error?.userMessage);
    assert.equal(answer.text, 'Through the tunnel.');
    assert.deepEqual(proxy.connects.map((c) => [c.target, c.status]), [[`${GATEWAY_HOST}:${sim.port}`, 200]]);
    assert.equal(proxy.connects[0]?.proxyAuthorization, `Basic ${Buffer.from('dev:pa:ss@1').toString('base64')}`);
    assert.equal(sim.requests[0]?.headers.authorization, `Bearer ${TEST_KEY}`, 'the gateway got the key');
    const seen = proxy.tunnelBytes();
    assert.ok(seen.length > 200, 'the proxy carried the exchange');
    assert.equal(seen.includes(TEST_KEY), false, 'the key never crossed the proxy in clear');
    assert.equal(seen.includes('Through the tunnel'), false);
    assert.deepEqual(proxy.plainRequests, []);
  });

  it('http.proxyAuthorization is sent instead of credentials in the URL', async () => {
    sim.script({ text: 'ok' });
    const token = `Basic ${Buffer.from('dev:pa:ss@1').toString('base64')}`;
    const answer = await runToCompletion(client(sim.baseUrl, { proxy: proxy.url, proxyAuthorization: token }), request('o3'));
    assert.equal(answer.text, 'ok', answer.error?.userMessage);
    assert.equal(proxy.connects[0]?.proxyAuthorization, token);
  });

  it('the environment variables are a proxy too', async () => {
    sim.script({ text: 'via env' });
    const answer = await runToCompletion(client(sim.baseUrl, { env: { https_proxy: proxy.urlWithCredentials } }), request('o3-mini'));
    assert.equal(answer.text, 'via env', answer.error?.userMessage);
    assert.equal(proxy.connects.length, 1);
  });

  it('a wrong password: the 407 is named, with the proxy settings to fix it, and not retried', async () => {
    const bad = proxy.urlWithCredentials.replace('pa%3Ass%401', 'wrong');
    const answer = await runToCompletion(client(sim.baseUrl, { proxy: bad }), request('o3-mini'));
    assert.equal(answer.error?.network?.problem, 'proxy-auth');
    assert.match(answer.error.userMessage, /proxy http:\/\/127\.0\.0\.1:\d+ needs credentials.*407.*http\.proxy/);
    assert.doesNotMatch(answer.error.userMessage, /wrong/, 'the password is not repeated');
    assert.deepEqual(answer.error.actions, ['proxySettings', 'checkConnection']);
    assert.equal(proxy.connects.length, 1, 'no retry');
    assert.equal(sim.requests.length, 0);
  });

  it('a tunnel refused by the proxy says which host, and offers Check Connection', async () => {
    const answer = await runToCompletion(client('https://blocked.test/v1', { proxy: proxy.urlWithCredentials }), request('o3-mini'));
    assert.equal(answer.error?.network?.problem, 'tunnel-refused');
    assert.equal(answer.error.network.proxyStatus, 403);
    assert.match(answer.error.userMessage, /refused to open a connection to blocked\.test.*HTTP 403.*http\.noProxy/);
    assert.equal(answer.error.actions[0], 'checkConnection');
  });

  it('a proxy that is not there: "could not reach the proxy", retried, then Proxy Settings', async () => {
    const gone = await startConnectProxy();
    const url = gone.url;
    await gone.close();
    const answer = await runToCompletion(client(sim.baseUrl, { proxy: url }), request('o3-mini'));
    assert.equal(answer.error?.network?.problem, 'proxy-unreachable');
    assert.match(answer.error.userMessage, new RegExp(`Could not reach the proxy ${url.replace(/\./g, '\\.')}.*connection refused`));
    assert.equal(answer.error.actions[0], 'proxySettings');
  });

  it('an untrusted certificate (a TLS-inspecting proxy nobody installed): the issuer is named, nothing is sent', async () => {
    const answer = await runToCompletion(client(untrusted.baseUrl, { proxy: proxy.urlWithCredentials }), request('o3-mini'));
    assert.equal(answer.error?.network?.problem, 'certificate');
    assert.match(answer.error.userMessage, new RegExp(`certificate of inspected\\.test:\\d+ is not trusted.*issued by “${UNTRUSTED_CA_NAME}”.*NODE_EXTRA_CA_CERTS`));
    assert.deepEqual(answer.error.actions, ['checkConnection', 'certificateSettings']);
    assert.equal(untrusted.requests.length, 0, 'the request never went out');
  });

  it('the same certificate is accepted through the proxy with http.proxyStrictSSL off', async () => {
    untrusted.script({ text: 'accepted' });
    const answer = await runToCompletion(client(untrusted.baseUrl, { proxy: proxy.urlWithCredentials, proxyStrictSSL: false }), request('o3-mini'));
    assert.equal(answer.text, 'accepted', answer.error?.userMessage);
  });

  it('an untrusted certificate without a proxy is refused the same way', async () => {
    const direct = `https://127.0.0.1:${untrusted.port}/v1`;
    const answer = await runToCompletion(client(direct, {}), request('o3-mini'));
    assert.equal(answer.error?.network?.problem, 'certificate');
    assert.match(answer.error.userMessage, new RegExp(UNTRUSTED_CA_NAME));
  });

  it('a host name that does not resolve says so, without a proxy in the way', async () => {
    const answer = await runToCompletion(client('https://no-such-gateway.invalid/v1', {}), request('o3-mini'));
    assert.equal(answer.error?.network?.problem, 'dns');
    assert.match(answer.error.userMessage, /no-such-gateway\.invalid does not resolve.*reasoner\.baseUrl/);
  });

  describe('Check Connection', () => {
    const auth = async () => ({ ok: true, detail: 'the gateway accepted the key' });

    it('the good set-up: every stage ok with its time, the proxy and the certificate source named, no secret in the report', async () => {
      const report = await checkConnection({
        baseUrl: { ok: true, url: sim.baseUrl }, network: { proxy: proxy.urlWithCredentials, extraCertificates: [pki.caPem] }, authenticate: auth,
      });
      assert.equal(report.ok, true, report.text);
      assert.deepEqual(report.stages.map((s) => [s.name, s.outcome]), [
        ['settings', 'ok'], ['dns', 'ok'], ['tcp', 'ok'], ['proxy', 'ok'], ['tls', 'ok'], ['auth', 'ok']]);
      assert.ok(report.stages.every((s) => Number.isInteger(s.ms) && s.ms >= 0));
      assert.match(report.text, new RegExp(`Proxy: +${proxy.url.replace(/\./g, '\\.')} \\(from http\\.proxy; credentials in the URL\\)`));
      assert.match(report.text, /Certificates: Node's bundled CAs.*1 extra/);
      assert.match(report.text, /issued by “Reasoner Test Company CA”, trusted/);
      assert.doesNotMatch(report.text, /pa:ss|pa%3Ass|dev:/, 'no proxy credentials');
      assert.doesNotMatch(report.text, new RegExp(TEST_KEY));
    });

    it('a wrong proxy password fails at the tunnel, with the fix; later stages are skipped and the key is not tried', async () => {
      let asked = false;
      const report = await checkConnection({
        baseUrl: { ok: true, url: sim.baseUrl }, network: { proxy: `http://dev:nope@127.0.0.1:${proxy.port}`, extraCertificates: [pki.caPem] },
        authenticate: async () => { asked = true; return auth(); },
      });
      assert.equal(report.ok, false);
      const failed = report.stages.find((s) => s.outcome === 'failed');
      assert.equal(failed?.name, 'proxy');
      assert.match(failed.fix ?? '', /407.*http\.proxy/);
      assert.match(report.text, /FAIL Proxy tunnel.*HTTP 407/);
      assert.deepEqual(report.stages.slice(-2).map((s) => s.outcome), ['skipped', 'skipped']);
      assert.equal(asked, false);
    });

    it('an untrusted certificate fails at TLS and names the issuer; an unreachable proxy fails at TCP', async () => {
      const bad = await checkConnection({ baseUrl: { ok: true, url: untrusted.baseUrl }, network: { proxy: proxy.urlWithCredentials }, authenticate: auth });
      const tls = bad.stages.find((s) => s.name === 'tls');
      assert.equal(tls?.outcome, 'failed', bad.text);
      assert.match(tls.detail, new RegExp(`issued by “${UNTRUSTED_CA_NAME}”, not trusted`));
      assert.match(tls.fix ?? '', /NODE_EXTRA_CA_CERTS/);

      const gone = await startConnectProxy();
      await gone.close();
      const unreachable = await checkConnection({ baseUrl: { ok: true, url: sim.baseUrl }, network: { proxy: gone.url }, authenticate: auth });
      const tcp = unreachable.stages.find((s) => s.name === 'tcp');
      assert.equal(tcp?.outcome, 'failed', unreachable.text);
      assert.match(tcp.fix ?? '', /Could not reach the proxy/);
    });
  });
});

describe('network: the operating system\'s certificate store', function () {
  this.timeout(30_000);

  it('a CA only the system store holds (SSL_CERT_FILE on Linux) is trusted with http.systemCertificates on, and not with it off', async () => {
    const tls = await import('node:tls');
    assert.equal(typeof (tls as { getCACertificates?: unknown }).getCACertificates, 'function',
      `Node ${process.version} has no tls.getCACertificates (22.15+ / 23.9+), so nothing here can read the system store: run the tests on the Node scripts/toolchain.sh installs`);
    const { execFile } = await import('node:child_process');
    const pki = createTestPki(path.join(os.tmpdir(), 'reasoner-test-pki'));
    const sim = await start({ tls: pki.gateway, publicHost: 'localhost' });
    sim.setDefault({ text: 'trusted by the system store' });
    const script = path.join(__dirname, '..', 'harness', 'system-ca-client.js');
    const run = (system: boolean) => new Promise<{ text: string; problem?: string; message?: string }>((resolve, reject) => {
      execFile(process.execPath, [script], {
        env: { ...process.env, SSL_CERT_FILE: pki.caFile, NODE_EXTRA_CA_CERTS: '', REASONER_BASE_URL: sim.baseUrl, REASONER_SYSTEM_CERTIFICATES: system ? '1' : '0' },
      }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))));
    });
    try {
      const on = await run(true);
      assert.equal(on.text, 'trusted by the system store', on.message);
      const off = await run(false);
      assert.equal(off.problem, 'certificate', off.message);
      assert.match(off.message ?? '', /Reasoner Test Company CA/);
    } finally {
      await sim.close();
    }
  });
});
