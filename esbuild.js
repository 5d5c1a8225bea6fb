// Builds the extension host bundle, the webview bundle (chat and compare pages) and (with --tests) the test bundles.
//   node esbuild.js               development build with source maps
//   node esbuild.js --production  minified, no source maps (what the .vsix ships)
//   node esbuild.js --watch       rebuild on change
//   node esbuild.js --tests       also build test/ into out/ for mocha and the VS Code test host
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const { writeCodiconSubset } = require('./scripts/codicons');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

function listFiles(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true })
    .map((name) => path.join(dir, name))
    .filter((file) => pattern.test(file) && fs.statSync(file).isFile());
}

/**
 * undici carries its HTTP parser twice, built with and without WebAssembly SIMD, and loads the
 * second only where the first fails. Every runtime VS Code ships has SIMD, so the copy without
 * it (70 KB of base64) is left out; a runtime that would need it gets an error that says so.
 */
const withoutLlhttpFallback = {
  name: 'without-llhttp-fallback',
  setup(build) {
    build.onResolve({ filter: /[\\/]llhttp-wasm\.js$/ }, () => ({ path: 'llhttp-wasm', namespace: 'llhttp-fallback' }));
    build.onLoad({ filter: /.*/, namespace: 'llhttp-fallback' }, () => ({
      contents: "throw new Error('This runtime cannot compile WebAssembly SIMD, which Reasoner needs to read HTTP (is UNDICI_NO_WASM_SIMD=1 set?).');",
      loader: 'js',
    }));
  },
};

/**
 * undici carries its HTTP parser as WebAssembly written in base64 inside a module. It ships as the binary
 * (dist/llhttp.wasm, next to dist/undici.js), read when the first connection needs the parser: a quarter smaller,
 * and it compresses better in the .vsix.
 */
const LLHTTP_WASM_FILE = 'llhttp.wasm';
const llhttpAsBinary = {
  name: 'llhttp-as-binary',
  setup(build) {
    build.onResolve({ filter: /[\\/]llhttp_simd-wasm\.js$/ }, (args) => ({ path: path.join(args.resolveDir, args.path), namespace: 'llhttp-binary' }));
    build.onLoad({ filter: /.*/, namespace: 'llhttp-binary' }, (args) => {
      const outdir = build.initialOptions.outdir ?? path.dirname(build.initialOptions.outfile);
      fs.mkdirSync(outdir, { recursive: true });
      fs.writeFileSync(path.join(outdir, LLHTTP_WASM_FILE), require(args.path));
      return {
        contents: `module.exports = require('node:fs').readFileSync(require('node:path').join(__dirname, ${JSON.stringify(LLHTTP_WASM_FILE)}));`,
        loader: 'js',
      };
    });
  },
};

/**
 * undici's HTTP/1.1 and HTTP/2 clients load fetch's body code (with WebIDL and FormData, about
 * 40 KB) only to send a FormData body. Reasoner sends JSON strings only, so that code stays out;
 * a FormData body would get an error that says so.
 */
const withoutFormDataBodies = {
  name: 'without-formdata-bodies',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/web\/fetch\/body\.js$/ }, (args) => /[\\/]undici[\\/]lib[\\/]dispatcher$/.test(args.resolveDir)
      ? { path: 'fetch-body', namespace: 'formdata-bodies' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'formdata-bodies' }, () => ({
      contents: "exports.extractBody = () => { throw new Error('Reasoner does not send FormData bodies.'); };",
      loader: 'js',
    }));
  },
};

/**
 * Every module that imports `vscode` would get its own copy of the API's several hundred names (esbuild's
 * CommonJS interop copies them as getters, about 80 times over), which cost load time at every activation.
 * They all share one namespace instead.
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => args.namespace === 'vscode-namespace'
      ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-namespace' });
    build.onLoad({ filter: /.*/, namespace: 'vscode-namespace' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/**
 * Libraries not needed to activate: each is a file of its own next to dist/extension.js, which the extension
 * requires the first time it connects (undici), locks the list of background answers (proper-lockfile) or reads
 * `.reasonerignore` (ignore).
 */
const LAZY_MODULES = {
  undici: { source: 'src/core/node/undiciParts.ts', specifier: './undiciParts' },
  'proper-lockfile': { source: 'src/core/node/lockfileParts.ts', specifier: './lockfileParts' },
  ignore: { source: 'src/vscode/context/ignoreParts.ts', specifier: './ignoreParts' },
};

/**
 * markdown-it, which the extension needs the first time it converts an answer and the chat and Compare Models pages
 * need to draw one, ships once: dist/webview/markdown-it.js is a script that leaves the library in the global
 * `reasonerMarkdownIt` where a page runs it, and its exports where the extension requires it.
 */
const SHARED_MARKDOWN_IT = {
  source: 'src/core/common/markdownItLibrary.ts',
  specifier: './markdownItLibrary',
  file: './webview/markdown-it.js',
  globalName: 'reasonerMarkdownIt',
};

const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    const files = [
      ...Object.entries(LAZY_MODULES).map(([name, { specifier }]) => ({ specifier, file: `./${name}.js` })),
      SHARED_MARKDOWN_IT,
    ];
    for (const { specifier, file } of files) {
      const filter = new RegExp(`^${specifier.replace(/[./]/g, '\\$&')}$`);
      build.onResolve({ filter }, (args) => {
        if (args.kind !== 'require-call') throw new Error(`${specifier} must be loaded with require() inside a function, so that it loads when first used`);
        return { path: file, external: true };
      });
    }
  },
};

/** The pages' `import MarkdownIt from 'markdown-it'` reads the library the shared script left in the page. */
const markdownItFromPage = {
  name: 'markdown-it-from-page',
  setup(build) {
    build.onResolve({ filter: /^markdown-it$/ }, () => ({ path: 'markdown-it', namespace: 'markdown-it-from-page' }));
    build.onLoad({ filter: /.*/, namespace: 'markdown-it-from-page' }, () => ({
      contents: `const library = globalThis.${SHARED_MARKDOWN_IT.globalName};
if (!library) throw new Error('The page runs markdown-it.js before its own script');
export default library.default;`,
      loader: 'js',
    }));
  },
};

/** markdown-it only decodes entities; the package's index also keeps the 23 KB encoding table. */
const DECODE_ONLY_ENTITIES = { entities: 'entities/lib/decode.js' };

/** The languages src/webview/highlightLanguages.ts imports, one chunk each. */
const HIGHLIGHT_LANGUAGES = fs.readFileSync(path.join(__dirname, 'src/webview/highlightLanguages.ts'), 'utf8')
  .match(/highlight\.js\/lib\/languages\/[\w-]+/g)
  .map((specifier) => specifier.split('/').pop());

/**
 * highlight.js and each of its languages are ES modules of their own in dist/webview/hljs/, which the page
 * imports (under its nonce) the first time a code block needs them: they stay out of the first script.
 */
const highlightChunks = {
  name: 'highlight-chunks',
  setup(build) {
    build.onResolve({ filter: /^highlight\.js\/lib\/(core|languages\/[\w-]+)$/ }, (args) => args.kind === 'dynamic-import'
      ? { path: `./hljs/${args.path.split('/').pop()}.js`, external: true } : undefined);
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [oneVscodeNamespace, lazyModules],
  },
  {
    ...common,
    entryPoints: Object.fromEntries(Object.entries(LAZY_MODULES).map(([name, { source }]) => [name, source])),
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [withoutLlhttpFallback, llhttpAsBinary, withoutFormDataBodies],
  },
  {
    ...common,
    entryPoints: {
      webview: 'src/webview/index.ts',
      'chat-style': 'src/webview/chat.css',
      'compare-style': 'src/webview/compare.css',
      // The Usage page is its own small bundle: it needs none of the chat's Markdown.
      usage: 'src/webview/usage/main.ts',
      'usage-style': 'src/webview/usage.css',
    },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [highlightChunks, markdownItFromPage],
  },
  {
    ...common,
    entryPoints: { 'markdown-it': SHARED_MARKDOWN_IT.source },
    outdir: 'dist/webview',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    format: 'iife',
    globalName: SHARED_MARKDOWN_IT.globalName,
    // The file is strict code, whose top-level `var` a page that evaluates it (rather than running it) would not see.
    footer: { js: `if (typeof module == "object" && module.exports) module.exports = ${SHARED_MARKDOWN_IT.globalName}; else globalThis.${SHARED_MARKDOWN_IT.globalName} = ${SHARED_MARKDOWN_IT.globalName};` },
    alias: DECODE_ONLY_ENTITIES,
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: Object.fromEntries([
      ['core', 'highlight.js/lib/core'],
      ...HIGHLIGHT_LANGUAGES.map((name) => [name, `highlight.js/lib/languages/${name}`]),
    ]),
    outdir: 'dist/webview/hljs',
    platform: 'browser',
    format: 'esm',
    mainFields: ['module', 'main'],
    conditions: ['import'],
    target: 'es2022',
  },
];

if (tests) {
  builds.push({
    ...common,
    minify: false,
    sourcemap: true,
    entryPoints: [
      ...listFiles('test/unit', /\.test\.ts$/),
      ...listFiles('test/integration', /\.ts$/),
      ...listFiles('test/simulator', /\.ts$/),
      ...listFiles('test/e2e', /\.ts$/),
      ...listFiles('test/harness', /\.ts$/),
      ...listFiles('bench', /\.ts$/),
    ],
    outbase: '.',
    outdir: 'out',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    external: ['vscode'],
  });
}

async function main() {
  await writeCodiconSubset(path.join(__dirname, 'dist', 'webview'));
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    console.log('[esbuild] watching for changes');
    return;
  }
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
