/**
 * Entry point VS Code loads in the extension host (extensionTestsPath): runs
 * every out/test/integration/*.test.js with mocha and writes the report to the
 * file named by REASONER_TEST_REPORT, since the host's console is not visible
 * to the runner. Used by both the code-server runner and @vscode/test-electron.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { assertNoRequestViolations } from '../simulator/simulator';

export async function run(): Promise<void> {
  const reportFile = process.env.REASONER_TEST_REPORT;
  const write = (line: string) => {
    if (reportFile) fs.appendFileSync(reportFile, line + '\n');
    else process.stdout.write(line + '\n');
  };
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    const [format, ...rest] = args;
    let line = String(format ?? '');
    for (const value of rest) line = line.replace(/%[sd]/, String(value));
    write(line);
  };
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.REASONER_TEST_GREP;
  // "/a|b/" is a regular expression; anything else is matched as written.
  if (grep) mocha.grep(/^\/.+\/$/.test(grep) ? new RegExp(grep.slice(1, -1)) : grep);
  const files = fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  // Every answer request any test makes the extension send is checked by the simulator against the
  // contract (the model's OpenAPI request schema, the forbidden fields); a break fails the test that sent it.
  mocha.suite.afterEach('every request body the test sent keeps to the contract', function () {
    assertNoRequestViolations(this.currentTest?.fullTitle());
  });
  const vscodeApi = require('vscode') as typeof import('vscode');
  write(`Reasoner integration suite inside ${vscodeApi.env.appName} ${vscodeApi.version} (${vscodeApi.env.appHost}), extension host Node ${process.versions.node}`);
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
