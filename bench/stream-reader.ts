/**
 * Reads one streamed answer with Reasoner's client from a process of its own and prints the CPU time the read
 * took: what receiving the stream costs before anything shows it (the floor under the inline thread's figure).
 *   node stream-reader.js <base URL>   -> prints {"cpuMs": n, "textDeltas": n}
 */
import { ReasoningClient } from '../src/core/node/client';
import { readerRequest } from './reader-request';

async function main(): Promise<void> {
  const [baseUrl] = process.argv.slice(2);
  if (!baseUrl) throw new Error('usage: stream-reader <base URL>');
  const client = new ReasoningClient({ baseUrl, timeoutSeconds: 300, progressIntervalMs: 3_600_000, retry: { maxRetries: 0 } });
  const before = process.cpuUsage();
  let textDeltas = 0;
  for await (const event of client.stream(readerRequest(), undefined, 'sk-bench-reader')) {
    if (event.type === 'text') textDeltas++;
    if (event.type === 'error') throw event.error;
  }
  const used = process.cpuUsage(before);
  process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, textDeltas }));
}

main().catch((error: unknown) => {
  process.stderr.write(`stream-reader: ${String(error)}\n`);
  process.exit(1);
});
