/**
 * How a request reaches the gateway: directly or through a proxy, and which
 * certificates are trusted on the way. The editor's network settings (read by
 * the host) and the environment's proxy variables are turned into ONE undici
 * dispatcher per client; nothing here patches globals.
 *
 * An https gateway is always reached through a CONNECT tunnel (undici's
 * ProxyAgent tunnels by default), so the key never crosses the proxy in clear.
 */

import * as tls from 'node:tls';
import { undici, type Dispatcher } from './undici';
import { isLoopbackHost } from '../common/endpoint';

export type ProxySupport = 'off' | 'on' | 'override' | 'fallback';

/** The network settings of the editor (`http.*`), plus the process environment. */
export interface NetworkSettings {
  /** `http.proxy`: e.g. http://user:password@proxy.example:3128. Empty: use the environment. */
  readonly proxy?: string;
  /** `http.proxyAuthorization`: sent as Proxy-Authorization; wins over credentials in the proxy URL. */
  readonly proxyAuthorization?: string;
  /** `http.noProxy`: hosts reached directly. */
  readonly noProxy?: readonly string[];
  /** `http.proxySupport`: `off` means no proxy at all. */
  readonly proxySupport?: ProxySupport;
  /** `http.proxyStrictSSL`: false accepts any certificate on connections through the proxy. */
  readonly proxyStrictSSL?: boolean;
  /** `http.systemCertificates`: trust the operating system's certificates too. */
  readonly systemCertificates?: boolean;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY (either case). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** PEM certificates to trust besides the runtime's (embedders and tests; not a user setting). */
  readonly extraCertificates?: readonly string[];
}

export type ProxySource = 'http.proxy' | 'HTTPS_PROXY' | 'https_proxy' | 'HTTP_PROXY' | 'http_proxy';

/** The proxy a request goes through. `display` never contains credentials. */
export interface ProxyRoute {
  readonly url: URL;
  readonly source: ProxySource;
  readonly display: string;
  /** How the proxy learns who we are, for the report (never the credentials themselves). */
  readonly authentication: 'none' | 'credentials in the URL' | 'http.proxyAuthorization';
}

/** Where a request to the gateway goes, and why: for the dispatcher, errors and the connection report. */
export interface Route {
  readonly target: URL;
  readonly proxy?: ProxyRoute;
  /** Why there is no proxy, when there is none. */
  readonly direct?: 'loopback' | 'no proxy configured' | 'http.proxySupport is off' | 'http.noProxy' | 'NO_PROXY';
  readonly certificates: CertificateSource;
  /** Certificates are checked (false only with http.proxyStrictSSL off, through a proxy). */
  readonly verify: boolean;
}

export interface CertificateSource {
  readonly description: string;
  /** Undefined: the runtime's defaults. */
  readonly ca?: readonly string[];
}

function envValue(env: NetworkSettings['env'], names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env?.[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** The proxy entries of `http.noProxy` and NO_PROXY: `*`, host, `.suffix`, `*.suffix`, `host:port`, IP. */
export function bypassesProxy(target: URL, entries: readonly string[]): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let pattern = entry;
    let entryPort: string | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.startsWith('[') && entry.split(':').length === 2) {
      pattern = portMatch[1] ?? entry;
      entryPort = portMatch[2];
    } else if (/^\[.*\]:\d+$/.test(entry)) {
      const at = entry.lastIndexOf(':');
      entryPort = entry.slice(at + 1);
      pattern = entry.slice(1, at - 1);
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    pattern = pattern.replace(/^\*/, '');
    if (pattern.startsWith('.')) {
      if (host.endsWith(pattern) || host === pattern.slice(1)) return true;
    } else if (host === pattern || host.endsWith(`.${pattern}`)) {
      return true;
    }
  }
  return false;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(/[,\s]+/).filter(Boolean);
}

/** Where a request to `target` goes under these settings. */
export function routeFor(target: URL, settings: NetworkSettings): Route {
  // Plain http (loopback only) uses no certificates: reading the system store would cost for nothing.
  const certificates = target.protocol === 'https:' ? certificateSource(settings) : { description: 'none needed (plain http on this machine)' };
  const direct = (why: NonNullable<Route['direct']>): Route => ({ target, direct: why, certificates, verify: true });
  if (isLoopbackHost(target.hostname)) return direct('loopback');
  if (settings.proxySupport === 'off') return direct('http.proxySupport is off');
  const configured = settings.proxy?.trim();
  const fromEnv = target.protocol === 'https:'
    ? envValue(settings.env, ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])
    : envValue(settings.env, ['HTTP_PROXY', 'http_proxy']);
  const chosen = configured ? { name: 'http.proxy', value: configured } : fromEnv;
  if (!chosen) return direct('no proxy configured');
  if (bypassesProxy(target, settings.noProxy ?? [])) return direct('http.noProxy');
  const noProxyEnv = envValue(settings.env, ['NO_PROXY', 'no_proxy']);
  if (noProxyEnv && bypassesProxy(target, splitList(noProxyEnv.value))) return direct('NO_PROXY');
  const url = parseProxyUrl(chosen.value);
  const authentication = settings.proxyAuthorization?.trim()
    ? 'http.proxyAuthorization' : url.username ? 'credentials in the URL' : 'none';
  return {
    target,
    proxy: { url, source: chosen.name as ProxySource, display: `${url.protocol}//${url.host}`, authentication },
    certificates,
    verify: settings.proxyStrictSSL !== false,
  };
}

/** A proxy URL as people write it: `proxy:3128` means `http://proxy:3128`. */
export function parseProxyUrl(value: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported proxy scheme ${url.protocol}`);
    return url;
  } catch (caught) {
    throw new InvalidProxyError(value, caught instanceof Error ? caught.message : String(caught));
  }
}

export class InvalidProxyError extends Error {
  readonly code = 'ERR_REASONER_PROXY_URL';
  constructor(value: string, reason: string) {
    // The value may hold credentials: only its scheme-less shape is described.
    super(`the proxy setting is not a usable URL (${reason})${value.includes('@') ? '' : `: ${value}`}`);
  }
}

let systemCertificatesCache: readonly string[] | undefined | null = null;

/** The operating system's certificates, where the runtime can read them (Node 22.15+ / 23.9+). */
export function systemCertificates(): readonly string[] | undefined {
  if (systemCertificatesCache === null) {
    const read = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
    try {
      systemCertificatesCache = read ? read('system') : undefined;
    } catch {
      systemCertificatesCache = undefined;
    }
  }
  return systemCertificatesCache;
}

/** The certificates a connection trusts: the runtime's defaults (with NODE_EXTRA_CA_CERTS), and the OS's when asked. */
export function certificateSource(settings: NetworkSettings): CertificateSource {
  const extra = settings.extraCertificates ?? [];
  const read = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  const extraFile = settings.env?.NODE_EXTRA_CA_CERTS ? ` + NODE_EXTRA_CA_CERTS (${settings.env.NODE_EXTRA_CA_CERTS})` : '';
  const system = settings.systemCertificates !== false ? systemCertificates() : undefined;
  if (!system && extra.length === 0) {
    const why = settings.systemCertificates === false ? 'http.systemCertificates is off'
      : read ? 'the system store could not be read' : 'this runtime cannot read the system store';
    return { description: `Node's bundled CAs${extraFile} (${why})` };
  }
  const defaults = read ? read('default') : [...tls.rootCertificates];
  const ca = [...new Set([...defaults, ...(system ?? []), ...extra])];
  const parts = [`Node's bundled CAs${extraFile}`];
  if (system) parts.push(`the system store (${system.length} certificates)`);
  if (extra.length) parts.push(`${extra.length} extra`);
  return { description: parts.join(' + '), ca };
}

export interface DispatcherTimeouts {
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** The one dispatcher a client uses for its gateway, and the route it takes. */
export function createDispatcher(route: Route | undefined, settings: NetworkSettings, timeouts: DispatcherTimeouts): Dispatcher {
  const ca = route?.certificates.ca;
  const secureContext = ca ? tls.createSecureContext({ ca: [...ca] }) : undefined;
  const tlsOptions = {
    timeout: timeouts.connectTimeoutMs,
    rejectUnauthorized: route?.verify ?? true,
    ...(secureContext ? { secureContext } : {}),
  };
  const common = {
    headersTimeout: timeouts.timeoutMs,
    bodyTimeout: timeouts.timeoutMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  };
  const { Agent, ProxyAgent } = undici();
  if (!route?.proxy) return new Agent({ ...common, connect: tlsOptions });
  const token = settings.proxyAuthorization?.trim();
  return new ProxyAgent({
    ...common,
    uri: route.proxy.url.href,
    ...(token ? { token } : {}),
    requestTls: tlsOptions,
    proxyTls: tlsOptions,
    proxyTunnel: true,
  });
}
