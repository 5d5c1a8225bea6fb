/**
 * Runs the integration suite inside a real VS Code extension host: code-server
 * 1.139 serves the workbench, headless Chromium loads it with VS Code's
 * extension-test payload, and the suite's exit code comes back through
 * window.codeAutomationExit. The suite's report is streamed from a file the
 * extension host writes (its console is not ours to read), and the suite reads
 * what its webviews show through the browser (webviewReader.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestPki } from '../network/pki';
import { REPO_ROOT, makeTempDir, makeWorkspace, openBrowser, startCodeServer, workbenchUrl } from './codeServer';
import { startWebviewReader } from './webviewReader';

const SUITE_TIMEOUT_MS = 20 * 60_000;

async function main(): Promise<number> {
  const reportDir = makeTempDir('report');
  const reportFile = path.join(reportDir, 'integration.log');
  fs.writeFileSync(reportFile, '');
  const folder = makeWorkspace();
  // The company CA, given the way a company gives it: NODE_EXTRA_CA_CERTS in the editor's environment.
  const pki = createTestPki(makeTempDir('pki'));
  const webviewReader = await startWebviewReader();
  const server = await startCodeServer({
    folder,
    logLevel: 'debug',
    env: {
      REASONER_TEST_REPORT: reportFile,
      REASONER_TEST_GREP: process.env.REASONER_TEST_GREP ?? '',
      REASONER_TEST_WORKSPACE: folder,
      REASONER_TEST_PKI: pki.dir,
      NODE_EXTRA_CA_CERTS: pki.caFile,
      REASONER_TEST_WEBVIEW_READER: webviewReader.url,
    },
  });
  const session = await openBrowser();
  webviewReader.attach(session.page);
  let printed = 0;
  const flush = () => {
    const text = fs.readFileSync(reportFile, 'utf8');
    if (text.length > printed) {
      process.stdout.write(text.slice(printed));
      printed = text.length;
    }
  };
  const ticker = setInterval(flush, 250);
  try {
    const exitCode = new Promise<number>((resolve) => {
      void session.page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    const url = workbenchUrl(server, folder, {
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
    });
    await session.page.goto(url);
    const timeout = new Promise<number>((resolve) => setTimeout(() => {
      console.error(`integration suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes`);
      resolve(2);
    }, SUITE_TIMEOUT_MS).unref());
    const code = await Promise.race([exitCode, timeout]);
    flush();
    if (printed === 0) {
      console.error('The suite wrote no report. Browser console:\n' + session.consoleLines.slice(-80).join('\n'));
      console.error('code-server output:\n' + server.output().slice(-5000));
      return code || 1;
    }
    return code;
  } finally {
    clearInterval(ticker);
    await session.close();
    await server.stop();
    await webviewReader.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
