/**
 * The steps of a connection to the gateway one at a time (name lookup, TCP, the
 * proxy's tunnel, TLS), each timed, for the connection check and for naming the
 * issuer of a certificate that failed. Nothing is ever sent over the TLS
 * connection: no request, no key. Verification is done by hand here (the
 * handshake accepts any chain so that the chain can be read and described).
 */

import * as dns from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { NetworkSettings, Route } from './network';

export interface PeerCertificateFacts {
  readonly authorized: boolean;
  /** The verification code when not authorized, e.g. SELF_SIGNED_CERT_IN_CHAIN. */
  readonly reason?: string;
  /** Common name (or organisation) of the leaf certificate's subject. */
  readonly subject?: string;
  /** The issuer at the top of the presented chain: the CA that must be trusted. */
  readonly issuer?: string;
  readonly protocol?: string;
  readonly validTo?: string;
}

export function defaultPort(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** `host:port` as a CONNECT request names it. */
export function authority(url: URL): string {
  return `${url.hostname}:${defaultPort(url)}`;
}

function nameOf(entity: tls.Certificate | undefined): string | undefined {
  if (!entity) return undefined;
  const pick = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return pick(entity.CN) ?? pick(entity.O) ?? undefined;
}

/** The chain the server presented: the leaf's subject, the top issuer, validity. */
export function describePeer(socket: tls.TLSSocket): PeerCertificateFacts {
  const leaf = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate;
  let top: tls.DetailedPeerCertificate | undefined = leaf && Object.keys(leaf).length ? leaf : undefined;
  for (let i = 0; top && i < 10; i++) {
    const next: tls.DetailedPeerCertificate | undefined = top.issuerCertificate;
    if (!next || next === top || next.fingerprint256 === top.fingerprint256) break;
    top = next;
  }
  const error = socket.authorizationError as unknown;
  const reason = typeof error === 'string' ? error : (error as { code?: string } | null)?.code;
  return {
    authorized: socket.authorized,
    ...(socket.authorized || !reason ? {} : { reason }),
    ...(leaf ? { subject: nameOf(leaf.subject), validTo: leaf.valid_to } : {}),
    ...(top ? { issuer: nameOf(top.issuer) } : {}),
    protocol: socket.getProtocol() ?? undefined,
  };
}

export async function lookup(hostname: string): Promise<string> {
  if (net.isIP(hostname.replace(/^\[|\]$/g, ''))) return hostname.replace(/^\[|\]$/g, '');
  const found = await dns.lookup(hostname);
  return found.address;
}

export function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`connecting to ${host}:${port} timed out`), { code: 'UND_ERR_CONNECT_TIMEOUT' })), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export interface Tunnel {
  readonly socket: net.Socket;
  readonly status: number;
}

/** Asks the proxy for a tunnel to the target; resolves with the proxy's status (the socket only on 200). */
export function openTunnel(route: Route, settings: NetworkSettings, timeoutMs: number): Promise<Tunnel> {
  const proxy = route.proxy;
  if (!proxy) return Promise.reject(new Error('no proxy on this route'));
  const token = settings.proxyAuthorization?.trim()
    || (proxy.url.username ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`).toString('base64')}` : undefined);
  const target = authority(route.target);
  const transport = proxy.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request({
      host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
      port: defaultPort(proxy.url),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...(token ? { 'proxy-authorization': token } : {}) },
      timeout: timeoutMs,
      ...(proxy.url.protocol === 'https:' ? { rejectUnauthorized: route.verify } : {}),
    });
    request.once('connect', (response, socket) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) socket.destroy();
      resolve({ socket, status });
    });
    request.once('response', (response) => {
      response.resume();
      resolve({ socket: response.socket, status: response.statusCode ?? 0 });
    });
    request.once('timeout', () => request.destroy(Object.assign(new Error('the proxy did not answer in time'), { code: 'UND_ERR_CONNECT_TIMEOUT' })));
    request.once('error', reject);
    request.end();
  });
}

/** A TLS handshake over `socket` (or a new connection), read and closed: nothing is written. */
export function handshake(route: Route, socket: net.Socket | undefined, timeoutMs: number): Promise<PeerCertificateFacts> {
  const target = route.target;
  const servername = net.isIP(target.hostname.replace(/^\[|\]$/g, '')) ? undefined : target.hostname;
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      ...(socket ? { socket } : { host: target.hostname.replace(/^\[|\]$/g, ''), port: defaultPort(target) }),
      ...(servername ? { servername } : {}),
      ...(route.certificates.ca ? { ca: [...route.certificates.ca] } : {}),
      // Read the chain whatever it is; `authorized` below is the verdict (the same checks, host name included).
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => secure.destroy(Object.assign(new Error('the TLS handshake did not finish in time'), { code: 'ETIMEDOUT' })), timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      const facts = describePeer(secure);
      secure.destroy();
      resolve(facts);
    });
    secure.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The certificate the gateway presents on this route (through the proxy's tunnel when there is one). */
export async function probeCertificate(route: Route, settings: NetworkSettings, timeoutMs: number): Promise<PeerCertificateFacts | undefined> {
  if (route.target.protocol !== 'https:') return undefined;
  if (!route.proxy) return handshake(route, undefined, timeoutMs);
  const tunnel = await openTunnel(route, settings, timeoutMs);
  if (tunnel.status !== 200) return undefined;
  return handshake(route, tunnel.socket, timeoutMs);
}
