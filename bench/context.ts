/**
 * B6 precise context, in the real workbench (code-server + Chromium, the TypeScript
 * server built in): how long gathering the definitions takes for a selection that uses
 * 20 symbols defined across 10 files. Each run is one Explain Selection; the figure is
 * the gathering time the extension logs (`context: N definitions, ~T tokens, X ms`).
 * The time limit is raised for the measurement so that the whole search is timed; how
 * many of the 20 the default limit (300 ms) lets through is measured too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { start } from '../test/simulator/simulator';
import { eventually, launchWorkbench, openFile, selectLines, setApiKeyThroughPalette, type Workbench } from '../test/harness/workbench';
import { figure, measure, type Figure } from './stats';
import { findFile } from './workbench';

const FILES = 10;
const PER_FILE = 2;
const FOLDER = 'src/bench-context';
const CONTEXT_LINE = /\[inline:explain\] context: (\d+) definitions?, ~(\d+) tokens, (\d+) ms/g;

/** Ten modules of two functions each, and `main.ts` whose `combine` uses all twenty. */
function writeModules(workspace: string): { file: string; firstLine: number; lineCount: number } {
  const dir = path.join(workspace, FOLDER);
  fs.mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let file = 0; file < FILES; file++) {
    const functions: string[] = [];
    for (let n = 0; n < PER_FILE; n++) {
      const name = `step${file}x${n}`;
      names.push(name);
      functions.push(`/** Step ${file}.${n}. */\nexport function ${name}(value: number): number {\n  const next = value * ${file + 2} + ${n};\n  return next % 1000;\n}\n`);
    }
    fs.writeFileSync(path.join(dir, `module${file}.ts`), functions.join('\n'));
  }
  const imports = Array.from({ length: FILES }, (_v, file) => `import { step${file}x0, step${file}x1 } from './module${file}';`);
  const body = names.map((name) => `  total = ${name}(total);`);
  const lines = [...imports, '', 'export function combine(seed: number): number {', '  let total = seed;', ...body, '  return total;', '}', ''];
  fs.writeFileSync(path.join(dir, 'main.ts'), lines.join('\n'));
  return { file: 'main.ts', firstLine: imports.length + 2, lineCount: body.length + 4 };
}

function logText(workbench: Workbench): string {
  const file = findFile(path.join(workbench.server.userDataDir, 'logs'), 'Reasoner.log');
  return file ? fs.readFileSync(file, 'utf8') : '';
}

export interface ContextResults {
  readonly gatherMs: Figure;
  readonly definitions: Figure;
  readonly tokens: Figure;
  /** With the default 300 ms limit, on a warm TypeScript server. */
  readonly foundWithin300Ms: Figure;
}

async function explainRuns(workbench: Workbench, target: ReturnType<typeof writeModules>, runs: number, warmup: number): Promise<{ ms: number; count: number; tokens: number }[]> {
  const { page } = workbench;
  let seen = 0;
  return measure(runs, warmup, async () => {
    await selectLines(page, target.firstLine, target.lineCount);
    await page.keyboard.press('Control+Alt+E');
    const match = await eventually('the context line in the log', async () => {
      const all = [...logText(workbench).matchAll(CONTEXT_LINE)];
      return all.length > seen ? all.at(-1) : undefined;
    }, 60_000);
    seen += 1;
    await page.keyboard.press('Escape');
    return { count: Number(match[1]), tokens: Number(match[2]), ms: Number(match[3]) };
  });
}

export async function benchContext(runs: number): Promise<ContextResults> {
  const sim = await start();
  sim.setDefault({ text: 'ok' });
  const workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'reasoner.context.timeLimitMs': 60_000 } });
  try {
    const target = writeModules(workbench.folder);
    await setApiKeyThroughPalette(workbench.page, 'sk-bench-context-3b8e1f');
    await openFile(workbench.page, target.file);
    // The first run waits for the TypeScript server to load the project: a warm-up, not counted.
    const whole = await explainRuns(workbench, target, runs, 1).catch(async (error: unknown) => {
      await workbench.screenshot('bench-context-failed');
      throw error;
    });
    const settings = path.join(workbench.server.userDataDir, 'User', 'settings.json');
    const current = JSON.parse(fs.readFileSync(settings, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(settings, JSON.stringify({ ...current, 'reasoner.context.timeLimitMs': 300 }, null, 2));
    await workbench.page.waitForTimeout(2000);
    const limited = await explainRuns(workbench, target, runs, 0);
    return {
      gatherMs: figure(whole.map((run) => run.ms)),
      definitions: figure(whole.map((run) => run.count)),
      tokens: figure(whole.map((run) => run.tokens)),
      foundWithin300Ms: figure(limited.map((run) => run.count)),
    };
  } finally {
    await workbench.close();
    await sim.close();
  }
}
