/**
 * Demonstration answers for the try-it sandbox (never for tests, which script their
 * answers): built from the request the way a model would answer it. They name the
 * language, the file and the functions found in the code, carry a list and a code
 * block, fit the task (explain, find bugs, write tests, refactor, chat), come with
 * realistic usage and cost, and, for o3-pro, a reasoning summary after several
 * seconds of visible waiting.
 */
import { demoTests } from './demoTests';
import type { SimScript } from './types';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Code {
  readonly fileName: string;
  readonly language: string;
  readonly code: string;
  readonly firstLine?: number;
}

/** Every message's text in the order sent (chat `messages` or responses `input`). */
function messageTexts(body: unknown): { role: string; text: string }[] {
  if (!isRecord(body)) return [];
  const list = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [];
  return list.filter(isRecord).map((message) => {
    const content = message.content;
    const text = typeof content === 'string' ? content
      : Array.isArray(content) ? content.filter(isRecord).map((part) => (typeof part.text === 'string' ? part.text : '')).join('\n') : '';
    return { role: typeof message.role === 'string' ? message.role : 'user', text };
  });
}

const LANGUAGE_NAMES: Record<string, string> = {
  typescript: 'TypeScript', javascript: 'JavaScript', python: 'Python', go: 'Go', rust: 'Rust', java: 'Java',
  csharp: 'C#', cpp: 'C++', c: 'C', ruby: 'Ruby', php: 'PHP', shellscript: 'shell', typescriptreact: 'TypeScript (React)',
};

/** The code the request carries: `File \`name\` (language), lines a–b:` followed by a fence. */
function codeOf(text: string): Code | undefined {
  const header = /File `([^`]+)`(?: \(([\w#+.-]+)\))?(?:, lines? (\d+))?/.exec(text);
  const fence = /(`{3,})([\w#+.-]*)\n([\s\S]*?)\n\1/g;
  let selected: { lang: string; code: string } | undefined;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    const before = text.slice(Math.max(0, match.index - 80), match.index);
    if (!selected || /Selected/.test(before)) selected = { lang: match[2] ?? '', code: match[3] ?? '' };
  }
  if (!selected) return undefined;
  return {
    fileName: header?.[1] ?? 'the selection',
    language: header?.[2] ?? selected.lang,
    code: selected.code,
    ...(header?.[3] ? { firstLine: Number(header[3]) } : {}),
  };
}

interface Definition { readonly kind: 'function' | 'class' | 'method'; readonly name: string; readonly line: number; readonly params: string }

function definitions(code: Code): Definition[] {
  const found: Definition[] = [];
  const patterns: [RegExp, Definition['kind']][] = [
    [/^\s*(?:export\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(([^)]*)\)/, 'function'],
    [/^\s*(?:export\s+)?(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?\(([^)]*)\)\s*=>/, 'function'],
    [/^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(([^)]*)\)/, 'function'],
    [/^\s*func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(([^)]*)\)/, 'function'],
    [/^\s*(?:pub\s+)?fn\s+([A-Za-z_]\w*)\s*(?:<[^>]*>)?\s*\(([^)]*)\)/, 'function'],
    [/^\s*(?:export\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)()/, 'class'],
    [/^\s{2,}(?:public\s+|private\s+|protected\s+|static\s+|async\s+)*([a-z_$][\w$]*)\s*\(([^)]*)\)\s*(?::\s*[^{]+)?\{/, 'method'],
  ];
  const reserved = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'constructor']);
  code.code.split('\n').forEach((line, index) => {
    for (const [pattern, kind] of patterns) {
      const match = pattern.exec(line);
      if (match?.[1] && !reserved.has(match[1])) {
        found.push({ kind, name: match[1], params: (match[2] ?? '').trim(), line: (code.firstLine ?? 1) + index });
        break;
      }
    }
  });
  return found;
}

type Task = 'explain' | 'explainProblem' | 'findBugs' | 'writeTests' | 'refactor' | 'chat';

function taskOf(instructions: string, prompt: string): Task {
  if (/Write thorough, runnable unit tests/.test(instructions) || /Write tests/i.test(prompt)) return 'writeTests';
  if (/Review the selected code for bugs/.test(instructions) || /Find bugs/i.test(prompt)) return 'findBugs';
  if (/Rewrite the selected code as asked/.test(instructions)) return 'refactor';
  if (/The editor reports a problem/.test(instructions)) return 'explainProblem';
  if (/Explain the selected code/.test(instructions) || /^Explain/i.test(prompt)) return 'explain';
  return 'chat';
}

function fence(language: string, code: string): string {
  return `\`\`\`${language}\n${code}\n\`\`\``;
}

/** How far each model goes: o3-mini answers briefly (no caveats), o3 in full, o1 and o3-pro add the edge cases they checked. */
type Depth = 'brief' | 'full' | 'thorough';

function depthOf(model: string): Depth {
  if (/o3-mini/.test(model)) return 'brief';
  if (/o3-pro|\bo1\b/.test(model)) return 'thorough';
  return 'full';
}

function explain(code: Code, defs: Definition[], language: string, depth: Depth = 'full'): string {
  const names = defs.map((d) => `\`${d.name}\``);
  const summary = names.length
    ? `\`${code.fileName}\` is ${language} code that defines ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`}.`
    : `This ${language} snippet from \`${code.fileName}\` runs top to bottom with no named functions.`;
  const bullets = defs.slice(0, 6).map((d) => d.kind === 'class'
    ? `- **\`${d.name}\`** (line ${d.line}) is a class; its state is private, so callers go through its methods.`
    : `- **\`${d.name}(${d.params})\`** (line ${d.line}) ${d.params ? `takes ${d.params.split(',').length} parameter${d.params.split(',').length === 1 ? '' : 's'}` : 'takes no parameters'} and is ${d.kind === 'method' ? 'a method of the class above' : 'a standalone function'}.`);
  const first = defs.find((d) => d.kind !== 'class');
  const usage = first ? `\n\n**Using it**\n\n${fence(code.language, `// ${first.name} as a caller would use it\n${first.name}(${first.params ? first.params.split(',').map((p) => p.trim().split(/[:=\s]/)[0]).join(', ') : ''});`)}` : '';
  const how = `${summary}\n\n**How it works**\n\n${bullets.join('\n') || '- It is a short, linear piece of code.'}`;
  if (depth === 'brief') return `${how}${usage}\n\nIn short: ${defs.length} definition${defs.length === 1 ? '' : 's'}, no side effects beyond the state passed in.`;
  const full = `${how}${usage}\n\n**Worth knowing**\n\n- Nothing here validates its input; callers are trusted to pass sensible values.\n- Each function is pure apart from the state it is given, which keeps it easy to test.`;
  if (depth === 'full') return full;
  const edges = defs.filter((d) => d.kind !== 'class').slice(0, 4).map((d) => `- \`${d.name}\` with ${d.params ? 'empty or zero-valued arguments' : 'nothing set up first'}: check what it returns before relying on it (line ${d.line}).`);
  return `${full}\n\n**Edge cases I checked**\n\n${edges.join('\n') || '- None stand out: the code has no branches.'}`;
}

/**
 * Fixes the demonstration knows: a number-typed variable given a quoted number (`let sum: number = '0'`,
 * the sandbox's cart.ts), and `==` in TypeScript or JavaScript. Each is applied to the lines sent.
 */
const KNOWN_FIXES: readonly { readonly pattern: RegExp; readonly replace: string; readonly why: (match: RegExpExecArray) => string }[] = [
  {
    pattern: /(\b(?:let|const|var)\s+([A-Za-z_$][\w$]*)\s*:\s*number\s*=\s*)(['"])(-?\d+(?:\.\d+)?)\3/,
    replace: '$1$4',
    why: (m) => `\`${m[2]}\` is declared as a \`number\` but starts as the string \`${m[3]}${m[4]}${m[3]}\`. TypeScript refuses the assignment, and if it ran, \`+=\` would join text instead of adding: \`${m[4]}\` followed by each amount. Starting from the number \`${m[4]}\` makes every \`+=\` an addition.`,
  },
  {
    pattern: /([^=!<>])==(?!=)/,
    replace: '$1===',
    why: () => '`==` converts its operands before comparing, so values of different types can compare equal; `===` compares them as they are.',
  },
];

/** The first known fix that applies to the code: the fixed code, the 1-based line it changes, and why. */
function knownFix(code: Code): { readonly code: string; readonly line: number; readonly why: string } | undefined {
  const lines = code.code.split('\n');
  for (const fix of KNOWN_FIXES) {
    const index = lines.findIndex((line) => fix.pattern.test(line));
    if (index < 0) continue;
    const match = fix.pattern.exec(lines[index] ?? '')!;
    const fixed = lines.map((line, i) => (i === index ? line.replace(fix.pattern, fix.replace) : line)).join('\n');
    return { code: fixed, line: (code.firstLine ?? 1) + index, why: fix.why(match) };
  }
  return undefined;
}

function explainProblem(code: Code, prompt: string): string {
  const reported = /^(.*) at line (\d+), column \d+: (.*)$/m.exec(prompt);
  const where = reported ? `${reported[1]} at line ${reported[2]}` : 'The editor';
  const message = reported?.[3] ?? 'a problem';
  const fix = knownFix(code);
  if (fix) return `${where} reports: “${message}”.\n\n${fix.why} The change is on line ${fix.line}.\n\n### Suggested fix\n\n${fence(code.language, fix.code)}`;
  return `${where} reports: “${message}”.\n\nThe lines shown do not hold the cause on their own: look at where the values named in the message are declared. No change to these lines would fix it, so there is no suggested fix.`;
}

function findBugs(code: Code, defs: Definition[]): string {
  const lines = code.code.split('\n');
  const findings: string[] = [];
  lines.forEach((text, index) => {
    const line = (code.firstLine ?? 1) + index;
    if (/\/\s*[A-Za-z_$]/.test(text) && !/\/\//.test(text) && findings.length < 4) findings.push(`- **Line ${line}: medium.** A division with no check for a zero divisor. Guard it or document the precondition.`);
    if (/==[^=]/.test(text) && /(js|ts|javascript|typescript)/.test(code.language) && findings.length < 4) findings.push(`- **Line ${line}: low.** \`==\` coerces types; use \`===\`.`);
    if (/\[\s*\w+\s*-\s*1\s*\]/.test(text) && findings.length < 4) findings.push(`- **Line ${line}: low.** Indexing with \`- 1\`: fine inside the loop's bounds, but it fails on an empty list if the loop changes.`);
  });
  if (findings.length === 0) findings.push(`- **Line ${defs[0]?.line ?? code.firstLine ?? 1}: low.** No input validation: invalid values flow through silently.`);
  return `I reviewed \`${code.fileName}\` (${defs.length} definition${defs.length === 1 ? '' : 's'}).\n\n${findings.join('\n')}`;
}

function writeTests(code: Code, defs: Definition[], prompt: string): string {
  const fns = defs.filter((d) => d.kind === 'function').slice(0, 3);
  const module = code.fileName.replace(/^.*\//, '').replace(/\.\w+$/, '');
  if (/^(typescript|javascript)/.test(code.language)) {
    const fix = knownFix(code);
    const tests = demoTests({ module, code: code.code, requestText: prompt, ...(fix ? { fixed: { code: fix.code, line: fix.line } } : {}) });
    if (tests) return tests;
  }
  if (/python/.test(code.language)) {
    return [`import pytest`, `from ${module} import ${fns.map((f) => f.name).join(', ') || '*'}`, '',
      ...fns.flatMap((f) => [`def test_${f.name}_returns_a_value():`, `    assert ${f.name}(${f.params ? '...' : ''}) is not None`, '']),
    ].join('\n');
  }
  return [`import { describe, expect, it } from 'vitest';`, `import { ${fns.map((f) => f.name).join(', ')} } from './${module}';`, '',
    ...fns.flatMap((f) => [`describe('${f.name}', () => {`, `  it('handles a typical case', () => {`, `    expect(${f.name}).toBeTypeOf('function');`, '  });', '});', '']),
  ].join('\n');
}

function refactor(code: Code): string {
  const body = code.code.split('\n').map((line) => line.replace(/\bvar\b/g, 'let').replace(/\s+$/, '')).join('\n');
  return `${fence(code.language, body)}\n\n- Trailing whitespace removed and \`var\` replaced by block-scoped \`let\`.\n- Behaviour is unchanged.`;
}

/** The sandbox's answer to a request; undefined when the request carries nothing to answer. */
export function demoScript(body: unknown): SimScript {
  const messages = messageTexts(body);
  const instructions = messages.filter((m) => m.role === 'developer' || m.role === 'system').map((m) => m.text).join('\n')
    || (isRecord(body) && typeof body.instructions === 'string' ? body.instructions : '');
  const prompt = messages.filter((m) => m.role === 'user').at(-1)?.text ?? '';
  const model = isRecord(body) && typeof body.model === 'string' ? body.model : 'the model';
  const slow = /o3-pro/.test(model);
  const code = codeOf(prompt);
  const language = code ? LANGUAGE_NAMES[code.language] ?? (code.language || 'plain') : 'plain';
  const defs = code ? definitions(code) : [];
  const task = taskOf(instructions, prompt);
  let text: string;
  if (!code) {
    const question = prompt.split('\n')[0]?.slice(0, 120) ?? '';
    text = `Here is how I would approach “${question}”:\n\n1. Pin down the exact behaviour you want, with one example input and output.\n2. Write that example as a failing test.\n3. Make the smallest change that passes it, then refactor.\n\n${fence('ts', '// the example as a test\nexpect(solve(input)).toEqual(expected);')}\n\nAttach code (the selection or the file) and I can be specific.`;
  } else if (task === 'explainProblem') {
    text = explainProblem(code, prompt);
  } else if (task === 'writeTests') {
    text = writeTests(code, defs, prompt);
  } else if (task === 'findBugs') {
    text = findBugs(code, defs);
  } else if (task === 'refactor') {
    text = refactor(code);
  } else {
    text = explain(code, defs, language, depthOf(model));
  }
  const input = Math.ceil(JSON.stringify(body ?? '').length / 4);
  const reasoning = slow ? 900 + Math.min(4000, defs.length * 300) : 256;
  const output = Math.ceil(text.length / 4) + reasoning;
  const perMillion = slow ? { input: 20, output: 80 } : /o3-mini/.test(model) ? { input: 1.1, output: 4.4 } : { input: 2, output: 8 };
  return {
    text,
    deltaSize: 4,
    chunkDelayMs: slow ? 25 : 12,
    firstByteDelayMs: slow ? 6000 : 700,
    usage: { input, output, reasoning },
    cost: { usd: Number(((input * perMillion.input + output * perMillion.output) / 1_000_000).toFixed(6)) },
    reasoning: [
      `**Reading ${code ? `\`${code.fileName}\`` : 'the question'}**\n\nThe request is ${task === 'chat' ? 'a question' : `a ${task} task`}${code ? ` on ${language} code with ${defs.length} definition${defs.length === 1 ? '' : 's'}` : ''}.`,
      `**Planning the answer**\n\nStart with a one-line summary, then one bullet per definition, then a short example.`,
    ],
  };
}
