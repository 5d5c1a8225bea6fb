/**
 * "Check Connection": the way to the gateway stage by stage (settings, name
 * lookup, TCP, the proxy's tunnel, TLS, then a small real request that proves
 * the key), each with its outcome and time, and on failure the fix. The report
 * never holds the key or proxy credentials.
 */

import { describeError } from '../common/errorPresenter';
import type { Socket } from 'node:net';
import type { ApiError, NetworkProblem } from '../common/errors';
import type { BaseUrlCheck } from '../common/endpoint';
import { InvalidProxyError, routeFor, type NetworkSettings, type Route } from './network';
import { authority, connectTcp, defaultPort, handshake, lookup, openTunnel } from './tlsProbe';
import { errorFromTransport } from './transportErrors';

export type StageName = 'settings' | 'dns' | 'tcp' | 'proxy' | 'tls' | 'auth';
export type StageOutcome = 'ok' | 'failed' | 'skipped';

export interface Stage {
  readonly name: StageName;
  readonly outcome: StageOutcome;
  readonly ms: number;
  readonly detail: string;
  /** What to do, on failure. */
  readonly fix?: string;
}

export interface AuthOutcome {
  readonly ok: boolean;
  /** e.g. "o3-mini answered in 812 ms, 35 tokens, $0.0001" or the error. */
  readonly detail: string;
  readonly error?: ApiError;
}

export interface ConnectionCheckOptions {
  readonly baseUrl: BaseUrlCheck;
  readonly network: NetworkSettings;
  /** The cheap real request, sent through the extension's one request pipeline. */
  readonly authenticate: () => Promise<AuthOutcome>;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

export interface ConnectionReport {
  readonly ok: boolean;
  readonly stages: readonly Stage[];
  readonly route?: Route;
  readonly text: string;
}

const STAGE_LABELS: Record<StageName, string> = {
  settings: 'Settings', dns: 'Name lookup', tcp: 'TCP connect', proxy: 'Proxy tunnel', tls: 'TLS', auth: 'Gateway and key',
};

export async function checkConnection(options: ConnectionCheckOptions): Promise<ConnectionReport> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const stages: Stage[] = [];
  let failed = false;
  const run = async (name: StageName, work: () => Promise<{ detail: string; ok?: boolean; fix?: string }>): Promise<void> => {
    if (failed) {
      stages.push({ name, outcome: 'skipped', ms: 0, detail: 'not tried after the failure above' });
      return;
    }
    const started = performance.now();
    try {
      const result = await work();
      const ms = Math.round(performance.now() - started);
      const ok = result.ok !== false;
      stages.push({ name, outcome: ok ? 'ok' : 'failed', ms, detail: result.detail, ...(result.fix ? { fix: result.fix } : {}) });
      failed = !ok;
    } catch (caught) {
      const ms = Math.round(performance.now() - started);
      failed = true;
      stages.push({ name, outcome: 'failed', ms, ...explainFailure(caught, route) });
    }
  };
  const skip = (name: StageName, detail: string) => {
    if (!failed) stages.push({ name, outcome: 'skipped', ms: 0, detail });
    else stages.push({ name, outcome: 'skipped', ms: 0, detail: 'not tried after the failure above' });
  };

  let route: Route | undefined;
  await run('settings', async () => {
    const base = options.baseUrl;
    if (!base.ok) return { ok: false, detail: base.message, fix: 'Set reasoner.baseUrl in your user settings.' };
    try {
      route = routeFor(new URL(base.url), options.network);
    } catch (caught) {
      if (caught instanceof InvalidProxyError) return { ok: false, detail: caught.message, fix: 'Fix http.proxy (or HTTPS_PROXY) in Proxy Settings.' };
      throw caught;
    }
    return { detail: `base URL ${base.url}` };
  });

  const target = route?.target;
  const firstHop = route?.proxy ? route.proxy.url : target;
  const hopName = route?.proxy ? 'the proxy' : 'the gateway';
  let address = '';
  await run('dns', async () => {
    if (!firstHop) return { ok: false, detail: 'no address to look up' };
    address = await lookup(firstHop.hostname);
    const resolvedBy = route?.proxy ? `; the proxy looks up ${target?.hostname ?? 'the gateway'}` : '';
    return { detail: `${firstHop.hostname} (${hopName}) is ${address}${resolvedBy}` };
  });
  // The TCP stage's socket only proves the connection; the tunnel (if any) carries the TLS stage.
  const held: { socket?: Socket } = {};
  await run('tcp', async () => {
    if (!firstHop) return { ok: false, detail: 'nothing to connect to' };
    const port = defaultPort(firstHop);
    (await connectTcp(address, port, timeoutMs)).destroy();
    return { detail: `connected to ${hopName} at ${address}:${port}` };
  });

  if (route?.proxy) {
    await run('proxy', async () => {
      if (!route?.proxy) return { ok: false, detail: 'no proxy' };
      const tunnel = await openTunnel(route, options.network, timeoutMs);
      if (tunnel.status !== 200) {
        tunnel.socket?.destroy();
        const network: NetworkProblem = tunnel.status === 407
          ? { problem: 'proxy-auth', host: authority(route.target), proxy: route.proxy.display }
          : { problem: 'tunnel-refused', proxyStatus: tunnel.status, host: authority(route.target), proxy: route.proxy.display };
        return { ok: false, detail: `${route.proxy.display} answered HTTP ${tunnel.status} to CONNECT ${authority(route.target)}`, fix: describeError({ kind: 'network', network }) };
      }
      held.socket = tunnel.socket;
      return { detail: `tunnel to ${authority(route.target)} opened by ${route.proxy.display} (${route.proxy.authentication})` };
    });
  } else {
    skip('proxy', route?.direct ? `direct connection (${route.direct})` : 'direct connection');
  }

  if (target?.protocol === 'https:' && route) {
    const tlsRoute = route;
    await run('tls', async () => {
      const peer = await handshake(tlsRoute, held.socket, timeoutMs);
      const issuer = peer.issuer ? `issued by “${peer.issuer}”` : 'issuer unknown';
      const summary = `${peer.protocol ?? 'TLS'}, certificate for ${peer.subject ?? '?'} ${issuer}`;
      if (peer.authorized) return { detail: `${summary}, trusted` };
      if (!tlsRoute.verify) return { detail: `${summary}, NOT trusted (${peer.reason ?? 'unknown'}) but accepted: http.proxyStrictSSL is off` };
      const network: NetworkProblem = { problem: 'certificate', host: target.host, ...(peer.issuer ? { issuer: peer.issuer } : {}), ...(peer.reason ? { reason: peer.reason } : {}) };
      return { ok: false, detail: `${summary}, not trusted (${peer.reason ?? 'unknown reason'})`, fix: describeError({ kind: 'network', network }) };
    });
  } else {
    held.socket?.destroy();
    skip('tls', 'plain http on this machine (loopback)');
  }

  await run('auth', async () => {
    const outcome = await options.authenticate();
    if (outcome.ok) return { detail: outcome.detail };
    return { ok: false, detail: outcome.detail, fix: outcome.error?.userMessage ?? 'See the log.' };
  });

  const ok = stages.every((stage) => stage.outcome !== 'failed');
  return { ok, stages, ...(route ? { route } : {}), text: formatReport(options, route, stages, ok) };
}

function explainFailure(caught: unknown, route: Route | undefined): { detail: string; fix: string } {
  const error = errorFromTransport(caught, {
    aborted: false,
    ...(route ? { url: route.target.href } : {}),
    ...(route?.proxy ? { proxy: route.proxy.display } : {}),
  });
  return { detail: error.detail ?? (caught instanceof Error ? caught.message : String(caught)), fix: error.userMessage };
}

function formatReport(options: ConnectionCheckOptions, route: Route | undefined, stages: readonly Stage[], ok: boolean): string {
  const lines = [`Reasoner connection check, ${(options.now?.() ?? new Date()).toISOString()}`, ''];
  lines.push(`Gateway:      ${route ? route.target.href : options.baseUrl.ok ? options.baseUrl.url : 'not usable'}`);
  if (route?.proxy) lines.push(`Proxy:        ${route.proxy.display} (from ${route.proxy.source}; ${route.proxy.authentication})`);
  else lines.push(`Proxy:        none (${route?.direct ?? 'not decided'})`);
  if (route) lines.push(`Certificates: ${route.certificates.description}${route.verify ? '' : '; NOT verified through the proxy (http.proxyStrictSSL off)'}`);
  lines.push('');
  const mark: Record<StageOutcome, string> = { ok: 'ok  ', failed: 'FAIL', skipped: '--  ' };
  for (const stage of stages) {
    lines.push(`${mark[stage.outcome]} ${STAGE_LABELS[stage.name].padEnd(16)} ${`${stage.ms} ms`.padStart(8)}  ${stage.detail}`);
    if (stage.fix) lines.push(`     Fix: ${stage.fix}`);
  }
  lines.push('', ok ? 'Result: Reasoner can reach the gateway, and the key works.' : 'Result: Reasoner cannot use the gateway yet; see the failed stage above.');
  return lines.join('\n');
}
