// Writes dist/webview/codicon.css and codicon.ttf cut down to the icons the pages draw
// (src/webview/icons.ts): the full font carries ~600 icons the pages never show.
const crypto = require('crypto');
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const subsetFont = require('subset-font');

const ROOT = path.join(__dirname, '..');

function iconNames() {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'webview', 'icons.ts'), 'utf8');
  const { code } = esbuild.transformSync(source, { loader: 'ts', format: 'cjs' });
  const module = { exports: {} };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports.ICON_NAMES;
}

/** The stylesheet's rules before its icon list (font face, base class, modifiers) and each icon's code point. */
function parseCodiconCss(css) {
  const firstIcon = css.search(/^\.codicon-[a-z0-9-]+:before \{/m);
  if (firstIcon < 0) throw new Error('codicon.css: no icon rules found');
  const codePoints = new Map();
  for (const match of css.slice(firstIcon).matchAll(/^\.codicon-([a-z0-9-]+):before \{ content: "\\([0-9a-f]+)" \}$/gm)) {
    codePoints.set(match[1], parseInt(match[2], 16));
  }
  return { preamble: css.slice(0, firstIcon), codePoints };
}

async function writeCodiconSubset(targetDir) {
  const source = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
  const { preamble, codePoints } = parseCodiconCss(fs.readFileSync(path.join(source, 'codicon.css'), 'utf8'));
  const names = iconNames();
  const missing = names.filter((name) => !codePoints.has(name));
  if (missing.length > 0) throw new Error(`codicon.css has no icon named ${missing.join(', ')} (src/webview/icons.ts)`);

  const text = names.map((name) => String.fromCodePoint(codePoints.get(name))).join('');
  const font = await subsetFont(fs.readFileSync(path.join(source, 'codicon.ttf')), text, { targetFormat: 'truetype' });
  const hash = crypto.createHash('md5').update(font).digest('hex');
  const rules = names.map((name) => `.codicon-${name}:before { content: "\\${codePoints.get(name).toString(16)}" }`);
  const css = preamble.replace(/url\("\.\/codicon\.ttf\?[0-9a-f]*"\)/, `url("./codicon.ttf?${hash}")`) + rules.join('\n') + '\n';
  if (!css.includes(`codicon.ttf?${hash}`)) throw new Error('codicon.css: the font URL was not found');

  fs.mkdirSync(targetDir, { recursive: true });
  fs.writeFileSync(path.join(targetDir, 'codicon.ttf'), font);
  fs.writeFileSync(path.join(targetDir, 'codicon.css'), css);
}

module.exports = { writeCodiconSubset, iconNames, parseCodiconCss };
