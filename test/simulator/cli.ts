/*
 * Reasoner gateway simulator — a local stand-in for the AI/ML API gateway.
 *
 * Usage:
 *   npm run build:tests && node out/test/simulator/cli.js --port 8787 [options]
 *
 * Options:
 *   --port N              port to listen on (default 8787; 0 picks a free one)
 *   --host ADDR           address to bind (default 127.0.0.1)
 *   --base-path P         API base path (default /v1)
 *   --api-key KEY         accept only this bearer key (default: any non-empty key)
 *   --background MODE     background polling: on | 404 | 405 (default on)
 *   --demo                answer like a model would, from the request (the try-it sandbox's answers)
 *   --no-strict           accept max_tokens, temperature, role "system", … (default: refuse with 400 like the models)
 *   --script FILE         JSON file: a script, an array of scripts, or {"scripts":[…],"default":{…}}
 *   --state FILE          keep background jobs in FILE, so a restarted simulator still knows them
 *   --quiet               do not log each request
 *
 * Point Reasoner at it with  "reasoner.baseUrl": "http://127.0.0.1:8787/v1"  (any key works).
 * With no script it answers every request with an echo that names the model and quotes your
 * last message, streamed or not, on /chat/completions and /responses.
 *
 * Scripting over HTTP (same JSON as the module API, see test/simulator/types.ts):
 *   curl -X POST localhost:8787/__sim/script -d '{"text":"Hi","finish":"length"}'     queue one answer
 *   curl -X POST localhost:8787/__sim/script -d '{"scripts":[{"status":429,"headers":{"retry-after":"1"}},{}]}'
 *   curl -X POST localhost:8787/__sim/script -d '{"default":{"firstByteDelayMs":3000}}'
 *   curl localhost:8787/__sim/requests          every request received and every connection close
 *   curl -X POST localhost:8787/__sim/reset      forget scripts, records and background jobs
 *   curl -X POST localhost:8787/__sim/config -d '{"backgroundMode":"404"}'
 *   curl localhost:8787/__sim/health
 *
 * The first line printed is the base URL, e.g. "http://127.0.0.1:8787/v1"; the process runs
 * until SIGINT/SIGTERM.
 */

import { readFileSync } from 'node:fs';
import { start, type BackgroundMode, type SimScript } from './simulator';

interface CliOptions {
  port: number;
  host: string;
  basePath: string;
  apiKey?: string;
  background: BackgroundMode;
  strict: boolean;
  script?: string;
  state?: string;
  quiet: boolean;
  demo?: boolean;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nSee the comment at the top of test/simulator/cli.ts for the options.\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { port: 8787, host: '127.0.0.1', basePath: '/v1', background: 'on', strict: true, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) usage(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) usage('--port must be 0–65535');
        options.port = port;
        break;
      }
      case '--host': options.host = value(); break;
      case '--base-path': options.basePath = value(); break;
      case '--api-key': options.apiKey = value(); break;
      case '--background': {
        const mode = value();
        if (mode !== 'on' && mode !== '404' && mode !== '405') usage('--background must be on, 404 or 405');
        options.background = mode;
        break;
      }
      case '--no-strict': options.strict = false; break;
      case '--demo': options.demo = true; break;
      case '--script': options.script = value(); break;
      case '--state': options.state = value(); break;
      case '--quiet': options.quiet = true; break;
      case '--help': case '-h': usage('Reasoner gateway simulator');
      // falls through (usage exits)
      default: usage(`unknown option ${arg}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sim = await start({
    port: options.port,
    host: options.host,
    basePath: options.basePath,
    backgroundMode: options.background,
    strict: options.strict,
    ...(options.demo ? { demo: true } : {}),
    ...(options.state ? { stateFile: options.state } : {}),
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.quiet ? {} : { log: (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) }),
  });
  if (options.script) {
    const parsed = JSON.parse(readFileSync(options.script, 'utf8')) as unknown;
    if (Array.isArray(parsed)) sim.script(...(parsed as SimScript[]));
    else if (parsed && typeof parsed === 'object' && ('scripts' in parsed || 'default' in parsed)) {
      const { scripts, default: fallback } = parsed as { scripts?: SimScript[]; default?: SimScript };
      if (scripts) sim.script(...scripts);
      if (fallback) sim.setDefault(fallback);
    } else sim.script(parsed as SimScript);
  }
  process.stdout.write(`${sim.baseUrl}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
