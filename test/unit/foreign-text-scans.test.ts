/**
 * Server and model text is foreign: whatever it holds, reading it takes time in
 * proportion to its size. Each input here made an earlier version quadratic
 * (32 KB of `<` took 2 s to summarise; these are 1 MiB, so a quadratic scan
 * would run for many minutes and time the test out).
 *
 * And the source is scanned for where foreign text could reach VS Code's small
 * surfaces (notifications, progress, status bar, quick picks, input boxes)
 * without passing through plainMessage.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { extractServerError } from '../../src/core/node/httpErrors';
import { extractFix } from '../../src/core/common/problem';
import { withoutTrailingEllipsis } from '../../src/core/common/progressStatus';
import { extractCode, FenceStripper } from '../../src/core/common/prompts';
import { scanSurfaces, type SurfaceScan } from './support-core/foreignSurfaces';
import type { SourceFile } from './support-core/layering';

const MIB = 1024 * 1024;

describe('foreign text is scanned in linear time', function () {
  this.timeout(10_000);

  const pages: Record<string, string> = {
    'a megabyte of <': '<'.repeat(MIB),
    'unclosed script elements': '<script>'.repeat(MIB / 8),
    'unclosed titles': '<html><title'.repeat(MIB / 12),
    'unclosed headings after a title-less head': `<html><head></head><body>${'<h1 '.repeat(MIB / 4)}`,
    'tags that never close': `<html>${'<b'.repeat(MIB / 2)}`,
  };
  for (const [name, page] of Object.entries(pages)) {
    it(`an HTML error page of ${name} gives a short summary`, () => {
      const info = extractServerError(page, 'text/html');
      assert.equal(info.html, true);
      assert.ok((info.message ?? '').length <= 200, info.message);
    });
  }

  it('the title of a page is still found, entities decoded, tags inside dropped', () => {
    const info = extractServerError(`<html><head><title>Proxy <b>says</b> &amp; no</title></head><body>${'x'.repeat(MIB)}</body></html>`, 'text/html');
    assert.equal(info.message, 'the proxy returned an HTML page: Proxy says & no');
  });

  for (const [name, answer] of Object.entries({
    'a megabyte of opening fences': '```\n'.repeat(MIB / 4),
    'alternating fence kinds that never close': '```\n~~~\n'.repeat(MIB / 8),
  })) {
    it(`code is extracted from ${name}`, () => {
      assert.equal(typeof extractCode(answer), 'string');
    });
  }

  for (const [name, answer] of Object.entries({
    'a fix heading trailed by a megabyte of spaces': `### Suggested fix${' '.repeat(MIB)}x`,
    'a megabyte of fix headings each opening a fence': '### Fix\n```\n'.repeat(MIB / 12),
    'a megabyte-long fence line': `### Fix\n${'`'.repeat(MIB)}`,
    'a megabyte of heading-length lines that almost head a fix': `**Fix:${' '.repeat(70)}_x\n`.repeat(MIB / 80),
  })) {
    it(`a suggested fix is looked for in ${name}`, () => {
      assert.equal(extractFix(answer), undefined);
    });
  }

  it('code extraction still takes the first fenced block', () => {
    assert.equal(extractCode(`prose\n~~~py\nprint(1)\n~~~\n\`\`\`\nlater\n\`\`\``), 'print(1)');
  });

  it('a progress status of 100,000 dots and spaces followed by a letter keeps them all; trailing ones go', () => {
    for (const run of ['.'.repeat(100_000), '. '.repeat(50_000), '…\t'.repeat(50_000)]) assert.equal(withoutTrailingEllipsis(`${run}x`), `${run}x`);
    assert.equal(withoutTrailingEllipsis(`Queued${'.'.repeat(100_000)}`), 'Queued');
    assert.equal(withoutTrailingEllipsis('Thinking… \n'), 'Thinking');
    assert.equal(withoutTrailingEllipsis('...'), '');
  });

  it('a megabyte-long line streamed in small deltas into the fence stripper', () => {
    for (const opening of ['', '```ts\n']) {
      const stripper = new FenceStripper();
      let out = stripper.push(opening);
      for (let i = 0; i < MIB / 8; i++) out += stripper.push('        ');
      out += stripper.push('x\n');
      out += stripper.end();
      assert.equal(out.length, MIB + 2);
    }
  });
});

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(path.join(process.cwd(), dir), { recursive: true, encoding: 'utf8' })
    .map((name) => `${dir}/${name.split(path.sep).join('/')}`)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ path: file, text: readFileSync(path.join(process.cwd(), file), 'utf8') }));
}

function report(scan: SurfaceScan): string {
  return scan.violations.map((violation) => `${violation.where} ${violation.surface}: ${violation.text}`).join('\n');
}

describe('foreign text reaches VS Code\'s plain surfaces only through plainMessage', () => {
  const scanned = scanSurfaces(sourceFiles('src'));

  it('every notification, progress, status bar, quick pick and input box text in src/vscode is our own or passes through plainMessage', () => {
    assert.equal(scanned.violations.length, 0, `foreign text may reach a surface unneutralised:\n${report(scanned)}`);
  });

  it('reads the real call sites (the check above is not vacuous)', () => {
    const surfaces = (file: string) => scanned.checked.filter((entry) => entry.where.startsWith(`${file}:`)).map((entry) => entry.surface);
    assert.ok(scanned.checked.length >= 60, `${scanned.checked.length} values checked`);
    assert.ok(surfaces('src/vscode/notify.ts').includes('progress.report message'));
    assert.ok(surfaces('src/vscode/notify.ts').includes('withProgress title'));
    assert.ok(surfaces('src/vscode/commands/checkConnection.ts').includes('withProgress title'));
    assert.ok(surfaces('src/vscode/statusBar.ts').includes('status bar text'));
    assert.ok(surfaces('src/vscode/commands/selectModel.ts').includes('quick pick label'));
    assert.ok(surfaces('src/vscode/commands/ask.ts').includes('quick pick label'));
    assert.ok(surfaces('src/vscode/commands/setApiKey.ts').includes('input box prompt'));
    assert.ok(surfaces('src/vscode/notify.ts').includes('showErrorMessage message or button'));
  });

  const verdict = (body: string, file = 'src/vscode/x.ts') => report(scanSurfaces([
    { path: file, text: `import * as vscode from 'vscode';\nimport { TITLES } from '../core/common/titles';\n${body}` },
    { path: 'src/core/common/titles.ts', text: "export const TITLES = { retry: 'Retry', key: 'Set API Key' };\nexport const LOOSE = { name: readName() };" },
  ]));

  const OURS: Record<string, string> = {
    'a literal': "vscode.window.showInformationMessage('Reasoner: done.');",
    'l10n with a count': "function f(items: string[]) { void vscode.window.showInformationMessage(vscode.l10n.t('{0} answers', items.length)); }",
    'l10n with a neutralised name': "function f(name: string) { void vscode.window.showErrorMessage(vscode.l10n.t('No prompt {0}', plainMessage(name))); }",
    'a constant of constants, imported': "const title = TITLES.retry;\nvoid vscode.window.showWarningMessage('x', title, TITLES.key);",
    'elapsed time': "function f(progress: vscode.Progress<{ message?: string }>, started: number) { progress.report({ message: `Working ${formatElapsed(Date.now() - started)}` }); }",
    'a neutralised template': "function f(progress: vscode.Progress<{ message?: string }>, question: string) { progress.report({ message: plainMessage(`${question} 3s`) }); }",
    'a parameter typed with literals': "function f(state: 'a' | 'b') { void vscode.window.setStatusBarMessage(`now ${state}`); }",
    'items mapped from constants': "const EFFORTS = ['low', 'high'] as const;\nvoid vscode.window.showQuickPick(EFFORTS.map((effort) => ({ label: plainMessage(effort), detail: 'x' })));",
  };
  for (const [name, body] of Object.entries(OURS)) it(`accepts ${name}`, () => assert.equal(verdict(body), ''));

  const FOREIGN: Record<string, [string, RegExp]> = {
    'a parameter in a message': ["function f(name: string) { void vscode.window.showErrorMessage(`No prompt ${name}`); }", /showErrorMessage message or button: `No prompt/],
    'a parameter in an l10n placeholder': ["function f(name: string) { void vscode.window.showErrorMessage(vscode.l10n.t('No prompt {0}', name)); }", /l10n/],
    'a modal\'s detail': ["function f(d: string) { void vscode.window.showWarningMessage('x', { modal: true, detail: d }); }", /showWarningMessage detail: d/],
    'a property through a const': ["function f(task: { question: string }, progress: vscode.Progress<{ message?: string }>) { const label = `Doing: ${task.question}`; progress.report({ message: label }); }", /progress\.report message: label/],
    'a let': ["let title = 'x';\nvoid vscode.window.withProgress({ title, location: 15 }, async () => undefined);", /withProgress title: title/],
    'a call result': ["void vscode.window.showInformationMessage(String(readName()));", /String\(readName/],
    'an imported constant holding a call': ["import { LOOSE } from '../core/common/titles';\nvoid vscode.window.showInformationMessage(LOOSE.name);", /LOOSE\.name/],
    'a setting in a quick pick label': ["void vscode.window.showQuickPick(readSettings().models.map((model) => ({ label: model.label })));", /quick pick label: model\.label/],
    'items that cannot be traced': ["function f(items: vscode.QuickPickItem[]) { void vscode.window.showQuickPick(items); }", /cannot be traced/],
    'a shorthand label in items assigned later': ["function f(recent: string[], pick: vscode.QuickPick<vscode.QuickPickItem>) { const items = recent.map((label) => ({ label })); pick.items = items; }", /quick pick label: label/],
    'an input box prompt': ["function f(p: string) { void vscode.window.showInputBox({ prompt: `Ask ${p}` }); }", /input box prompt/],
    'a chat progress': ["function f(stream: vscode.ChatResponseStream, status: string) { stream.progress(status); }", /chat progress: status/],
    'status bar text and a Markdown tooltip': [
      "class S { private readonly item = vscode.window.createStatusBarItem('id');\n update(id: string) { this.item.text = `$(sparkle) ${id}`; const tooltip = new vscode.MarkdownString(); tooltip.appendText(id); tooltip.appendMarkdown(`**${id}**`); this.item.tooltip = tooltip; } }",
      /status bar text: `\$\(sparkle\)[^\n]*\n.*status bar tooltip appendMarkdown: `\*\*\$\{id\}\*\*`$/s,
    ],
    'a getter returning a setting': ["const CHOICES = { get send() { return readSettings().label; } };\nvoid vscode.window.showQuickPick([{ label: CHOICES.send }]);", /quick pick label: CHOICES\.send/],
    'a loop variable shadowing a constant': ["const name = 'ok';\nfunction f(names: string[]) { for (const name of names) void vscode.window.showInformationMessage(name); }", /message or button: name/],
  };
  for (const [name, [body, expected]] of Object.entries(FOREIGN)) it(`flags ${name}`, () => assert.match(verdict(body), expected));
});
