/**
 * The try-it sandbox: VS Code in the browser (code-server) with the packaged
 * Reasoner installed, talking to the gateway simulator. No real key needed:
 * the simulator accepts any key. Runs until Ctrl+C.
 *   node out/test/harness/try-it.js [--port 8080] [--gateway real]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { start } from '../simulator/simulator';
import { REPO_ROOT, codeServerEntry, makeTempDir, makeWorkspace, startCodeServer, workbenchUrl } from './codeServer';
import { sandboxReadme, sandboxSettings } from './sandbox';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
  const useRealGateway = args.includes('--gateway') && args[args.indexOf('--gateway') + 1] === 'real';
  const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
  const vsix = path.join(REPO_ROOT, `reasoner-${version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run "bash scripts/setup.sh" first.`);
  const extensionsDir = makeTempDir('try-ext');
  execFileSync(process.execPath, [codeServerEntry(), '--extensions-dir', extensionsDir, '--install-extension', vsix], { stdio: 'ignore' });

  const simulator = useRealGateway ? undefined : await start({ port: 0, demo: true });
  const folder = makeWorkspace('sandbox');
  const server = await startCodeServer({
    folder,
    port,
    extensionsDir,
    userSettings: sandboxSettings(simulator?.baseUrl),
  });
  console.log('');
  console.log(`  Reasoner sandbox: open ${workbenchUrl(server, folder, { openFile: sandboxReadme(folder) })}`);
  console.log(simulator
    ? `  Gateway simulator at ${simulator.baseUrl}: run "Reasoner: Set API Key" with any value, then select code and press Ctrl+Alt+E.`
    : '  Using the real gateway: run "Reasoner: Set API Key" with your AI/ML API key.');
  console.log('  Press Ctrl+C to stop.');
  const stop = async () => {
    await server.stop();
    await simulator?.close();
    fs.rmSync(extensionsDir, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
