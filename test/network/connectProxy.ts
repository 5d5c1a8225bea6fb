/**
 * A real forward proxy on 127.0.0.1 that speaks CONNECT, as company proxies do:
 * Basic authentication (407 with Proxy-Authenticate when missing or wrong), its own
 * name table (hosts only the proxy can resolve, like an internal DNS), hosts it refuses
 * (403), and 502 for names it cannot resolve. It records every CONNECT and every byte
 * the client sent through its tunnels, so tests can prove what the proxy could see.
 * Plain (non-CONNECT) proxy requests are refused with 405 and recorded.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ConnectRecord {
  /** host:port as the client asked for it. */
  readonly target: string;
  readonly proxyAuthorization?: string;
  readonly status: number;
}

export interface ConnectProxyOptions {
  /** Required credentials; without them any client is let through. */
  readonly credentials?: { readonly user: string; readonly password: string };
  /** Names the proxy resolves itself: host -> a port on 127.0.0.1. */
  readonly hosts?: Readonly<Record<string, number>>;
  /** Hosts whose tunnels the proxy refuses with 403. */
  readonly refuse?: readonly string[];
}

export interface ConnectProxy {
  readonly port: number;
  /** http://127.0.0.1:PORT (no credentials). */
  readonly url: string;
  /** http://user:password@127.0.0.1:PORT when credentials are required. */
  readonly urlWithCredentials: string;
  readonly connects: ConnectRecord[];
  /** Non-CONNECT requests the proxy received (method and URL). */
  readonly plainRequests: string[];
  /** Everything clients sent through tunnels, in order. */
  tunnelBytes(): Buffer;
  reset(): void;
  close(): Promise<void>;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const connects: ConnectRecord[] = [];
  const plainRequests: string[] = [];
  let sent: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    : undefined;

  const server = http.createServer((req, res) => {
    plainRequests.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('This proxy only opens CONNECT tunnels.');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const authorization = req.headers['proxy-authorization'];
    const record = (status: number) => connects.push({ target, status, ...(authorization ? { proxyAuthorization: authorization } : {}) });
    const answer = (status: number, reason: string, extra = '') => {
      record(status);
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}content-length: 0\r\nconnection: close\r\n\r\n`);
    };
    client.on('error', () => undefined);
    if (expected && authorization !== expected) {
      answer(407, 'Proxy Authentication Required', 'proxy-authenticate: Basic realm="reasoner-test-proxy"\r\n');
      return;
    }
    const at = target.lastIndexOf(':');
    const host = target.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(at + 1));
    if (options.refuse?.includes(host)) {
      answer(403, 'Forbidden');
      return;
    }
    const mapped = options.hosts?.[host];
    const upstream = net.connect({ host: mapped !== undefined ? '127.0.0.1' : host, port: mapped ?? port });
    let established = false;
    upstream.once('connect', () => {
      established = true;
      record(200);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) {
        sent.push(Buffer.from(head));
        upstream.write(head);
      }
      client.on('data', (chunk: Buffer) => sent.push(Buffer.from(chunk)));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.once('error', () => {
      if (established) client.destroy();
      else answer(502, 'Bad Gateway');
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => {
      if (established) client.destroy();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const credentials = options.credentials
    ? `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.password)}@` : '';
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    urlWithCredentials: `http://${credentials}127.0.0.1:${port}`,
    connects,
    plainRequests,
    tunnelBytes: () => Buffer.concat(sent),
    reset() {
      connects.length = 0;
      plainRequests.length = 0;
      sent = [];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
