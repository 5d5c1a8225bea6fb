/**
 * Serves one recorded response body, as fast as the socket takes it, from its own
 * process so that the server's work never shares the measured client's event loop.
 *   node static-server.js <body file> <content type> [delay ms]   -> prints the port
 * With a delay, the headers and body wait that long (first-token overhead).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const [file, contentType, delayArg] = process.argv.slice(2);
const delay = Number(delayArg ?? 0);
if (!file || !contentType) throw new Error('usage: static-server <body file> <content type>');
const body = fs.readFileSync(file);
const CHUNK = 16 * 1024;

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const send = () => {
      res.writeHead(200, { 'content-type': contentType, 'x-request-id': 'bench' });
      let offset = 0;
      const pump = (): void => {
        while (offset < body.length) {
          const next = body.subarray(offset, offset + CHUNK);
          offset += next.length;
          if (!res.write(next)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    };
    if (delay > 0) setTimeout(send, delay);
    else send();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
