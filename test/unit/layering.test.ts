import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { filesNaming, findImportCycles, findLayeringViolations, formatViolations, importSpecifiers, type SourceFile } from './support-core/layering';

const ROOT = process.cwd();

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((name) => `${dir}/${name.split(path.sep).join('/')}`)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ path: file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
}

describe('layering of src/', () => {
  it('core never reaches the host or the page, common and the page never reach Node', () => {
    const files = sourceFiles('src');
    assert.ok(files.some((f) => f.path === 'src/core/common/errors.ts'), `src/ read from ${ROOT}`);
    const violations = findLayeringViolations(files);
    assert.equal(violations.length, 0, `layering violations:\n${formatViolations(violations)}`);
  });

  it('Compare Models shares with the chat and borrows nothing from it, on the host or on the page', () => {
    const files = sourceFiles('src');
    const compare = files.filter((f) => f.path.startsWith('src/vscode/compare/') || f.path.startsWith('src/webview/compare/'));
    assert.ok(compare.some((f) => f.path === 'src/vscode/compare/comparePanel.ts') && compare.some((f) => f.path === 'src/webview/compare/comparePage.ts'));
    const violations = findLayeringViolations(compare);
    assert.equal(violations.length, 0, `compare reaches into the chat:\n${formatViolations(violations)}`);
  });

  it('no module of src/ imports itself through others (type-only imports count)', () => {
    const cycles = findImportCycles(sourceFiles('src'));
    assert.deepEqual(cycles.map((cycle) => cycle.join(' → ')), []);
  });

  it('only config.ts and the composition root read VS Code\'s settings; everything else is handed a SettingsReader', () => {
    assert.deepEqual(filesNaming(sourceFiles('src'), 'readSettings').sort(), ['src/vscode/config.ts']);
    assert.deepEqual(filesNaming(sourceFiles('src'), 'cachedSettingsReader').sort(), ['src/extension.ts', 'src/vscode/config.ts']);
  });

  it('finds a name used in code, and not in a comment or a string', () => {
    const files: SourceFile[] = [
      { path: 'src/a.ts', text: "import { readSettings } from './config';" },
      { path: 'src/b.ts', text: 'const models = config.readSettings().models;' },
      { path: 'src/c.ts', text: "// readSettings() is called once\nconst note = 'readSettings';\nconst other = readSettingsLater();" },
    ];
    assert.deepEqual(filesNaming(files, 'readSettings'), ['src/a.ts', 'src/b.ts']);
  });

  it('the cycle check finds a cycle, however long, and names it once', () => {
    const file = (name: string, ...imports: string[]): SourceFile => ({ path: `src/${name}.ts`, text: imports.map((to) => `import type { X } from '${to}';`).join('\n') });
    const cycles = findImportCycles([
      file('a/one', '../b/two'), file('b/two', './three', 'node:fs'), file('b/three', '../a/one'), file('c/alone', '../a/one'),
      file('d/self', './self'),
    ]);
    assert.deepEqual(cycles.map((cycle) => cycle.join(' → ')).sort(), [
      'src/a/one.ts → src/b/two.ts → src/b/three.ts → src/a/one.ts',
      'src/d/self.ts → src/d/self.ts',
    ]);
    assert.deepEqual(findImportCycles([file('a/one', '../b/two'), file('b/two')]), []);
  });

  it('reads the imports of the real files (the check above is not vacuous)', () => {
    const files = new Map(sourceFiles('src').map((f) => [f.path, f.text]));
    const specifiersOf = (file: string): string[] => importSpecifiers(file, files.get(file) ?? assert.fail(`${file} is missing`));
    assert.ok(specifiersOf('src/core/node/undici.ts').includes('undici'));
    assert.ok(specifiersOf('src/core/node/history.ts').includes('node:fs'));
    assert.ok(specifiersOf('src/vscode/log.ts').includes('vscode'));
    assert.ok(specifiersOf('src/webview/app.ts').includes('../core/common/protocol'));
    assert.ok(specifiersOf('src/vscode/compare/comparePanel.ts').includes('../webview/codeBlocks'));
    assert.ok(specifiersOf('src/webview/compare/comparePage.ts').includes('../answer'));
  });

  it('finds every form of import', () => {
    const text = [
      "import a from 'static-default';",
      "import { b } from 'static-named';",
      "import type { C } from 'type-only';",
      "import * as d from 'namespace';",
      "import 'side-effect';",
      "export { e } from 're-export';",
      "export * from 're-export-all';",
      "import f = require('import-equals');",
      "const g = require('require-call');",
      "const h = import('dynamic');",
      "let i: import('type-position').I;",
      "// import 'in-a-comment';",
      "const j = \"import 'in-a-string'\";",
    ].join('\n');
    assert.deepEqual(importSpecifiers('x.ts', text), [
      'static-default', 'static-named', 'type-only', 'namespace', 'side-effect', 're-export', 're-export-all',
      'import-equals', 'require-call', 'dynamic', 'type-position',
    ]);
  });

  it('reports each broken rule with the file, the specifier and the rule', () => {
    const files: SourceFile[] = [
      { path: 'src/core/node/a.ts', text: "import * as vscode from 'vscode';\nimport { x } from '../../vscode/config';\nimport type { Y } from '../../webview/app';" },
      { path: 'src/core/common/b.ts', text: "import { readFile } from 'node:fs';\nimport * as path from 'path';\nimport 'fs/promises';\nconst u = require('undici');\nexport { createParser } from 'eventsource-parser/stream';\ntype S = import('../node/stream').Translator;" },
      { path: 'src/core/common/c.ts', text: "export async function load() {\n  return import('vscode');\n}" },
      { path: 'src/webview/d.ts', text: "import * as vscode from 'vscode';\nimport { randomBytes } from 'crypto';\nimport { fetch } from 'undici';\nimport { ConversationStore } from '../core/node/history';\nimport type { Services } from '../vscode/services';" },
      { path: 'src/vscode/compare/e.ts', text: "import { CodeBlocks } from '../chat/codeBlocks';\nimport type { ChatPage } from '../chat/chatPage';" },
      { path: 'src/webview/compare/f.ts', text: "import { App } from '../app';\nimport type { HostChannel } from '../vscodeApi.ts';\nimport type { WebviewMessage } from '../../core/common/protocol';" },
    ];
    const reported = findLayeringViolations(files).map((v) => `${v.file} -> ${v.specifier} (${v.rule})`);
    assert.deepEqual(reported, [
      'src/core/node/a.ts -> vscode (src/core never imports vscode)',
      'src/core/node/a.ts -> ../../vscode/config (src/core never imports the host (src/vscode))',
      'src/core/node/a.ts -> ../../webview/app (src/core never imports the page (src/webview))',
      'src/core/common/b.ts -> node:fs (src/core/common never imports Node builtins)',
      'src/core/common/b.ts -> path (src/core/common never imports Node builtins)',
      'src/core/common/b.ts -> fs/promises (src/core/common never imports Node builtins)',
      'src/core/common/b.ts -> undici (src/core/common never imports undici)',
      'src/core/common/b.ts -> eventsource-parser/stream (src/core/common never imports eventsource-parser)',
      'src/core/common/b.ts -> ../node/stream (src/core/common never imports src/core/node)',
      'src/core/common/c.ts -> vscode (src/core/common never imports vscode)',
      'src/webview/d.ts -> vscode (src/webview never imports vscode)',
      'src/webview/d.ts -> crypto (src/webview never imports Node builtins)',
      'src/webview/d.ts -> undici (src/webview never imports undici)',
      'src/webview/d.ts -> ../core/node/history (src/webview never imports src/core/node)',
      'src/webview/d.ts -> ../vscode/services (src/webview never imports the host (src/vscode))',
      'src/vscode/compare/e.ts -> ../chat/codeBlocks (src/vscode/compare never imports src/vscode/chat)',
      'src/vscode/compare/e.ts -> ../chat/chatPage (src/vscode/compare never imports src/vscode/chat)',
      "src/webview/compare/f.ts -> ../app (src/webview/compare never imports the chat page's own modules)",
      "src/webview/compare/f.ts -> ../vscodeApi.ts (src/webview/compare never imports the chat page's own modules)",
      "src/webview/compare/f.ts -> ../../core/common/protocol (src/webview/compare never imports the chat page's own modules)",
    ]);
  });

  it('allows what each layer may use', () => {
    const files: SourceFile[] = [
      { path: 'src/core/common/ok.ts', text: "import { ApiError } from './errors';\nconst id = globalThis.crypto.randomUUID();\nconst note = 'import \"vscode\"';" },
      { path: 'src/core/node/ok.ts', text: "import { Agent } from 'undici';\nimport { promises } from 'node:fs';\nimport { ApiError } from '../common/errors';" },
      { path: 'src/vscode/ok.ts', text: "import * as vscode from 'vscode';\nimport { ReasoningClient } from '../core/node/client';\nimport * as path from 'node:path';" },
      { path: 'src/webview/ok.ts', text: "import DOMPurify from 'dompurify';\nimport type { HostMessage } from '../core/common/protocol';\nimport { h } from './dom';" },
      { path: 'src/extension.ts', text: "import * as vscode from 'vscode';\nimport { createLogger } from './vscode/log';" },
      { path: 'src/vscode/compare/ok.ts', text: "import { CodeBlocks } from '../webview/codeBlocks';\nimport { pageHtml } from '../webview/pageHtml';\nimport type { ChatBridge } from '../chatBridge';" },
      { path: 'src/webview/compare/ok.ts', text: "import { AnswerView } from '../answer';\nimport { answerContentClick } from '../answerClicks';\nimport type { CodeBlockMessage } from '../../core/common/pageMessages';" },
      { path: 'src/vscode/chat/ok.ts', text: "import type { CompareSession } from '../compare/compareSession';" },
    ];
    assert.deepEqual(findLayeringViolations(files), []);
  });
});
