/**
 * One request with the real client in a fresh Node process, for the test that proves the
 * operating system's certificate store is trusted (Node reads it once per process, and on
 * Linux honours SSL_CERT_FILE). Prints the outcome as JSON on stdout.
 *   REASONER_BASE_URL=https://localhost:PORT/v1 REASONER_SYSTEM_CERTIFICATES=1|0 node system-ca-client.js
 */
import { runToCompletion } from '../../src/core/node/answer';
import { ReasoningClient } from '../../src/core/node/client';
import { BUILT_IN_MODELS } from '../../src/core/common/models';

async function main(): Promise<void> {
  const client = new ReasoningClient({
    baseUrl: process.env.REASONER_BASE_URL ?? '',
    apiKey: () => 'sk-system-ca-test',
    timeoutSeconds: 10,
    retry: { maxRetries: 0 },
    network: { systemCertificates: process.env.REASONER_SYSTEM_CERTIFICATES === '1' },
  });
  const model = BUILT_IN_MODELS.find((entry) => entry.id === 'o3-mini');
  if (!model) throw new Error('o3-mini missing from the catalog');
  const answer = await runToCompletion(client, { model, turns: [{ role: 'user', text: 'hello' }], effort: 'low', stream: true, reasoningSummary: false });
  await client.dispose();
  process.stdout.write(JSON.stringify({ text: answer.text, problem: answer.error?.network?.problem, message: answer.error?.userMessage }));
}

void main();
