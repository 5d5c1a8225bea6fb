/**
 * Reads one streamed answer on a bare TCP socket, in a process of its own, and prints the CPU time the read took:
 * the operating system's and Node's cost of receiving the stream's packets, before any HTTP parsing, SSE or JSON.
 * No client can receive the stream for less, so this is the floor under the inline thread's figure.
 *   node socket-reader.js <base URL>   -> prints {"cpuMs": n, "bytes": n, "reads": n}
 */
import * as net from 'node:net';
import { buildRequest } from '../src/core/common/requests';
import { readerRequest } from './reader-request';

function main(): void {
  const [baseUrl] = process.argv.slice(2);
  if (!baseUrl) throw new Error('usage: socket-reader <base URL>');
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:') throw new Error('socket-reader speaks plain HTTP to the simulator only');
  // The request Reasoner's client sends for the same question (stream-reader.ts asks it through the client).
  const built = buildRequest(readerRequest());
  const body = JSON.stringify(built.body);
  const head = [
    `POST ${url.pathname}${built.path} HTTP/1.1`, `host: ${url.host}`, 'authorization: Bearer sk-bench-socket-reader',
    'content-type: application/json', 'accept: text/event-stream', `content-length: ${Buffer.byteLength(body)}`, 'connection: close',
  ].join('\r\n');
  const before = process.cpuUsage();
  let bytes = 0;
  let reads = 0;
  let tail = '';
  const socket = net.connect(Number(url.port), url.hostname, () => socket.write(`${head}\r\n\r\n${body}`));
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    reads++;
    // Only the end is looked for: the last bytes of this read and the one before, as the marker may be split.
    tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 32))).slice(-64);
    if (tail.includes('[DONE]')) socket.destroy();
  });
  socket.on('error', (error) => {
    process.stderr.write(`socket-reader: ${String(error)}\n`);
    process.exit(1);
  });
  socket.on('close', () => {
    const used = process.cpuUsage(before);
    if (!tail.includes('[DONE]')) {
      process.stderr.write('socket-reader: the stream ended before [DONE]\n');
      process.exit(1);
    }
    process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, bytes, reads }));
  });
}

main();
