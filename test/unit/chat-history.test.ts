import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import {
  type AssistantTurn,
  type Conversation,
  addUserTurn,
  autoTitle,
  createConversation,
  parseConversation,
  startAssistantTurn,
  statusFor,
  toRequestTurns,
} from '../../src/core/common/conversation';
import { conversationToMarkdown } from '../../src/core/common/conversationMarkdown';
import { ConversationStore, writeFileAtomic } from '../../src/core/node/history';
import { fencedBlock } from '../../src/core/common/requests';
import { ATTACKER_HOST, HOSTILE_ANSWERS } from '../fixtures/hostile-answers';

function sampleConversation(now = Date.now()): Conversation {
  const conversation = createConversation(now);
  addUserTurn(conversation, 'Why does this loop never end?\nIt hangs.', [
    { fileName: '/work/src/loop.ts', languageId: 'typescript', code: 'while (i < 10) {\n  work();\n}', startLine: 3, endLine: 5 },
  ], now + 1);
  const answer = startAssistantTurn(conversation, { id: 'o3-mini', label: 'o3-mini' }, 'high', now + 2);
  answer.text = 'Because `i` never changes. Increment it:\n\n```ts\nwhile (i < 10) { work(); i++; }\n```';
  answer.reasoning = 'Looked at the loop variable.';
  answer.status = 'complete';
  answer.usage = { inputTokens: 120, outputTokens: 340, reasoningTokens: 256, costUsd: 0.0021 };
  answer.elapsedMs = 4200;
  addUserTurn(conversation, 'And with a for loop?', [], now + 3);
  const second = startAssistantTurn(conversation, { id: 'o3', label: 'o3' }, 'low', now + 4);
  second.text = 'Use `for (let i = 0; i < 10; i++)`.';
  second.status = 'stopped';
  return conversation;
}

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'reasoner-history-'));
}

class MemoryLog {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  info(message: string): void { this.infos.push(message); }
  warn(message: string): void { this.warnings.push(message); }
}

describe('chat conversation model', () => {
  it('titles a conversation from its first prompt and keeps the model of each turn', () => {
    const conversation = sampleConversation();
    assert.equal(conversation.title, 'Why does this loop never end?');
    const models = conversation.turns.filter((t): t is AssistantTurn => t.role === 'assistant').map((t) => `${t.modelId}/${t.effort}`);
    assert.deepEqual(models, ['o3-mini/high', 'o3/low']);
    assert.equal(autoTitle('   \n  ' + 'word '.repeat(40)).endsWith('…'), true);
    assert.ok(autoTitle('word '.repeat(40)).length <= 61);
  });

  it('builds request turns: prompts with their code context, answers with text, nothing empty', () => {
    const conversation = sampleConversation();
    const failed = startAssistantTurn(conversation, { id: 'o3' }, 'low');
    failed.status = 'error';
    addUserTurn(conversation, 'Third question');
    const turns = toRequestTurns(conversation);
    assert.deepEqual(turns.map((t) => t.role), ['user', 'assistant', 'user', 'assistant', 'user']);
    assert.equal(turns[0]?.context?.[0]?.fileName, '/work/src/loop.ts');
    assert.equal(turns[4]?.text, 'Third question');
    const firstOnly = toRequestTurns(conversation, conversation.turns[0]!.id);
    assert.equal(firstOnly.length, 1);
  });

  it('maps run outcomes to turn statuses', () => {
    assert.equal(statusFor({ stopped: true, failed: true }), 'stopped');
    assert.equal(statusFor({ stopped: false, failed: true }), 'error');
    assert.equal(statusFor({ stopped: false, failed: false, finish: 'stop' }), 'complete');
    assert.equal(statusFor({ stopped: false, failed: false, finish: 'length' }), 'incomplete');
    assert.equal(statusFor({ stopped: false, failed: false, finish: 'incomplete:max_output_tokens' }), 'incomplete');
    assert.equal(statusFor({ stopped: false, failed: false, finish: 'cancelled' }), 'stopped');
  });

  it('exports Markdown with prompts, code context, models, reasoning and usage', () => {
    const markdown = conversationToMarkdown(sampleConversation(Date.UTC(2025, 0, 2)));
    assert.match(markdown, /^# Why does this loop never end\?\n/);
    assert.match(markdown, /## You\n\n`loop\.ts:3-5`\n\n```typescript\nwhile \(i < 10\) \{\n {2}work\(\);\n\}\n```\n\nWhy does this loop never end\?\nIt hangs\./);
    assert.match(markdown, /## o3\\-mini \(high effort\)\n/);
    assert.match(markdown, /<details><summary>Reasoning summary<\/summary>\n\nLooked at the loop variable\.\n\n<\/details>/);
    assert.match(markdown, /_4s · 120 in · 340 out · 256 reasoning · \$0\.0021_/);
    assert.match(markdown, /## o3 \(low effort\) — stopped\n/);
    assert.ok(markdown.endsWith('\n'));
  });

  it('the export of hostile answers, prompts, names and errors fetches, runs and links to nothing in a Markdown preview', () => {
    const conversation = createConversation(Date.UTC(2025, 0, 2));
    conversation.title = `![t](https://${ATTACKER_HOST}/title.png) <img src=https://${ATTACKER_HOST}/t2.png>`;
    for (const hostile of HOSTILE_ANSWERS) {
      addUserTurn(conversation, hostile.markdown, [{ fileName: `/w/a\`![f](https://${ATTACKER_HOST}/file.png)\`.ts`, languageId: 'ts', code: 'x' }]);
      const answer = startAssistantTurn(conversation, { id: 'o3', label: `[o3](command:workbench.action.quit)` }, 'low');
      answer.text = hostile.markdown;
      answer.reasoning = hostile.markdown;
      answer.status = 'error';
      answer.error = { kind: 'server', message: 'The gateway failed.', serverMessage: `<img src=https://${ATTACKER_HOST}/err.png> [fix](command:workbench.action.quit)`, actions: [] };
    }
    const markdown = conversationToMarkdown(conversation);
    // A Markdown preview renders raw HTML; this is as permissive as any.
    const container = new JSDOM('<!doctype html><body></body>').window.document.createElement('div');
    container.innerHTML = new MarkdownIt({ html: true, linkify: true }).render(markdown);
    const fetching = Array.from(container.querySelectorAll('img, picture, source, video, audio, iframe, frame, object, embed, svg, math, link, script, style, form, base, meta'));
    assert.deepEqual(fetching.map((element) => element.outerHTML), []);
    const attributes = Array.from(container.querySelectorAll('*')).flatMap((element) => element.getAttributeNames().filter((name) => /^on|^style$|^srcset$|^src$|^background$/i.test(name)));
    assert.deepEqual(attributes, [], 'no handler, style or source attribute');
    const links = Array.from(container.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '');
    assert.deepEqual(links.filter((href) => !/^(https?:|mailto:|[^:]*$)/i.test(href)), [], 'no command:, javascript: or other scheme: web links and relative paths only');
    assert.match(markdown, /<details><summary>Reasoning summary<\/summary>/, 'the export keeps its own structure');
  });

  it('fences code with a fence longer than any backtick run inside it', () => {
    assert.equal(fencedBlock('a ``` b', 'md'), '````md\na ``` b\n````');
    assert.equal(fencedBlock('plain\n'), '```\nplain\n```');
  });

  it('rejects stored conversations of the wrong shape', () => {
    const good = JSON.parse(JSON.stringify(sampleConversation())) as Record<string, unknown>;
    assert.ok(parseConversation(good));
    assert.equal(parseConversation({ ...good, id: '../escape' }), undefined);
    assert.equal(parseConversation({ ...good, version: 99 }), undefined);
    assert.equal(parseConversation({ ...good, turns: [{ role: 'assistant', id: 'a', text: 'x', createdAt: 1 }] }), undefined);
    assert.equal(parseConversation({ ...good, turns: 'nope' }), undefined);
    assert.equal(parseConversation([]), undefined);
  });
});

describe('chat history on disk', () => {
  it('saves and loads a conversation back, through a fresh store', async () => {
    const dir = await tempDir();
    const conversation = sampleConversation();
    const store = new ConversationStore(dir);
    assert.deepEqual(await store.open(), []);
    await store.save(conversation);

    const fresh = new ConversationStore(dir);
    await fresh.open();
    assert.deepEqual(fresh.list().map((s) => [s.id, s.title, s.turnCount, s.modelId]), [[conversation.id, conversation.title, 4, 'o3']]);
    const loaded = await fresh.load(conversation.id);
    assert.deepEqual(loaded, JSON.parse(JSON.stringify(conversation)));
    const names = (await fs.readdir(dir)).sort();
    assert.deepEqual(names, [`${conversation.id}.json`, 'index.json'].sort());
  });

  it('lists conversations most recent first and deletes them', async () => {
    const dir = await tempDir();
    const store = new ConversationStore(dir);
    const older = sampleConversation(1_000);
    const newer = sampleConversation(2_000);
    await store.save(older);
    await store.save(newer);
    assert.deepEqual(store.list().map((s) => s.id), [newer.id, older.id]);
    await store.delete(older.id);
    const fresh = new ConversationStore(dir);
    await fresh.open();
    assert.deepEqual(fresh.list().map((s) => s.id), [newer.id]);
    assert.equal(await fresh.load(older.id), undefined);
  });

  it('writes atomically: readers never see a partial file and no temp file is left', async () => {
    const dir = await tempDir();
    const store = new ConversationStore(dir);
    const conversation = sampleConversation();
    const answer = conversation.turns[1] as AssistantTurn;
    await store.save(conversation);
    const file = store.fileFor(conversation.id);
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await fs.readFile(file, 'utf8');
        assert.ok(parseConversation(JSON.parse(text)), 'every read parses whole');
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 40; i++) {
      answer.text += 'x'.repeat(20_000);
      await store.save(conversation);
    }
    writing = false;
    await reader;
    assert.ok(reads > 0);
    const names = await fs.readdir(dir);
    assert.deepEqual(names.filter((n) => n.endsWith('.tmp')), []);
    const loaded = await new ConversationStore(dir).load(conversation.id);
    assert.equal((loaded?.turns[1] as AssistantTurn).text.length, answer.text.length);
  });

  it('leaves the previous file intact when a write fails, and cleans the temp file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'x.json');
    await writeFileAtomic(file, '{"v":1}');
    await fs.mkdir(path.join(dir, 'blocker.json'));
    await assert.rejects(writeFileAtomic(path.join(dir, 'blocker.json'), '{"v":2}'));
    assert.equal(await fs.readFile(file, 'utf8'), '{"v":1}');
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
  });

  it('removes temp files a crash left behind', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'c-abc.json.123.deadbeef.tmp'), '{"half":');
    await new ConversationStore(dir).open();
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('moves a corrupt conversation aside with a warning and goes on loading the rest', async () => {
    const dir = await tempDir();
    const good = sampleConversation(1_000);
    const bad = sampleConversation(2_000);
    const store = new ConversationStore(dir);
    await store.save(good);
    await store.save(bad);
    await fs.writeFile(store.fileFor(bad.id), '{"version":1,"id":"' + bad.id + '","turns":[{"role":');

    const log = new MemoryLog();
    const fresh = new ConversationStore(dir, log);
    await fresh.open();
    assert.equal(fresh.list().length, 2, 'the index lists both until one is opened');
    assert.equal(await fresh.load(bad.id), undefined);
    assert.equal(log.warnings.length, 1);
    assert.match(log.warnings[0]!, /moved aside to .*\.corrupt-/);
    assert.deepEqual(fresh.warnings, log.warnings);
    assert.deepEqual(fresh.list().map((s) => s.id), [good.id]);
    assert.ok(await fresh.load(good.id));

    const names = await fs.readdir(dir);
    assert.equal(names.filter((n) => n.startsWith(`${bad.id}.json.corrupt-`)).length, 1);
    const again = new ConversationStore(dir);
    await again.open();
    assert.deepEqual(again.list().map((s) => s.id), [good.id]);
  });

  it('treats a file of the wrong shape as corrupt', async () => {
    const dir = await tempDir();
    const store = new ConversationStore(dir);
    const conversation = sampleConversation();
    await store.save(conversation);
    await fs.writeFile(store.fileFor(conversation.id), JSON.stringify({ ...conversation, turns: [{ role: 'robot' }] }));
    const fresh = new ConversationStore(dir);
    assert.equal(await fresh.load(conversation.id), undefined);
    assert.equal(fresh.warnings.length, 1);
  });

  it('rebuilds a corrupt or missing index from the conversation files', async () => {
    const dir = await tempDir();
    const a = sampleConversation(1_000);
    const b = sampleConversation(2_000);
    const store = new ConversationStore(dir);
    await store.save(a);
    await store.save(b);

    await fs.writeFile(path.join(dir, 'index.json'), 'not json at all');
    const log = new MemoryLog();
    const rebuilt = new ConversationStore(dir, log);
    const warnings = await rebuilt.open();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /history index/);
    assert.deepEqual(rebuilt.list().map((s) => s.id), [b.id, a.id]);
    await rebuilt.flush();
    const index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as { conversations: { id: string }[] };
    assert.deepEqual(index.conversations.map((c) => c.id), [b.id, a.id]);

    await fs.rm(path.join(dir, 'index.json'));
    const fromScratch = new ConversationStore(dir, log);
    assert.deepEqual(await fromScratch.open(), []);
    assert.deepEqual(fromScratch.list().map((s) => s.id), [b.id, a.id]);
  });

  it('adds files the index does not know and drops entries whose file is gone', async () => {
    const dir = await tempDir();
    const a = sampleConversation(1_000);
    const store = new ConversationStore(dir);
    await store.save(a);
    const b = sampleConversation(2_000);
    await fs.writeFile(path.join(dir, `${b.id}.json`), JSON.stringify(b)); // written by another window
    await fs.rm(store.fileFor(a.id));
    const fresh = new ConversationStore(dir);
    await fresh.open();
    assert.deepEqual(fresh.list().map((s) => s.id), [b.id]);
  });

  it('marks an answer that was streaming when the window closed as interrupted, keeping its prompt', async () => {
    const dir = await tempDir();
    const conversation = sampleConversation();
    const running = startAssistantTurn(conversation, { id: 'o3-pro' }, 'high');
    running.text = 'partial';
    await new ConversationStore(dir).save(conversation);
    const loaded = await new ConversationStore(dir).load(conversation.id);
    const turn = loaded?.turns.at(-1) as AssistantTurn;
    assert.equal(turn.status, 'error');
    assert.equal(turn.error?.kind, 'interrupted');
    assert.deepEqual(turn.error?.actions, ['retry']);
    assert.equal(turn.text, 'partial');
  });

  it('refuses ids that could escape the directory', () => {
    const store = new ConversationStore('/tmp/x');
    assert.throws(() => store.fileFor('../../etc/passwd'));
    assert.throws(() => store.fileFor('a/b'));
  });
});
