import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs, watch } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addUserTurn, createConversation, startAssistantTurn, summarize, type Conversation } from '../../src/core/common/conversation';
import { ConversationStore } from '../../src/core/node/history';

const WRITER = path.join(__dirname, '..', 'harness', 'history-writer.js');

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'reasoner-durability-'));
}

/**
 * Starts the writer and kills it with SIGKILL the moment the temp file of version `target` appears
 * in the directory (the write is under way); resolves to the last version it finished.
 */
function killDuringWrite(dir: string, id: string, target: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let done = 0;
    let armed = false;
    let stderr = '';
    let buffered = '';
    const kill = () => child.kill('SIGKILL');
    const watcher = watch(dir, (_event, name) => {
      if (armed && typeof name === 'string' && name.endsWith('.tmp')) kill();
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [what, version] = line.split(' ');
        if (what === 'start' && Number(version) >= target) armed = true;
        if (what === 'done') {
          done = Number(version);
          // The watcher missed the write: stop at the next one rather than run on.
          if (done >= target) kill();
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    // 'close', not 'exit': every line the writer printed before it died has been read by then.
    child.on('close', (code, signal) => {
      watcher.close();
      if (signal === 'SIGKILL') resolve(done);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

function storedConversation(index: number, now: number): Conversation {
  const conversation = createConversation(now - index * 1000);
  addUserTurn(conversation, `Question number ${index} about some code`, [
    { fileName: `/work/src/file${index}.ts`, languageId: 'typescript', code: `export const value${index} = ${index};`, startLine: 1, endLine: 1 },
  ], now - index * 1000 + 1);
  const answer = startAssistantTurn(conversation, { id: 'o3-mini', label: 'o3-mini' }, 'medium', now - index * 1000 + 2);
  answer.text = `Answer ${index}: it exports a constant.`;
  answer.status = 'complete';
  answer.usage = { inputTokens: 100 + index, outputTokens: 50, reasoningTokens: 20 };
  return conversation;
}

describe('chat history durability', function () {
  this.timeout(60_000);

  it('a write killed midway (SIGKILL, 5 times at different moments) always leaves a complete, readable version', async () => {
    const dir = await tempDir();
    const id = 'c-durability-test';
    let killedInsideAWrite = 0;
    for (let round = 0; round < 5; round++) {
      const reported = await killDuringWrite(dir, id, 2 + round);
      if ((await fs.readdir(dir)).some((name) => name.endsWith('.tmp'))) killedInsideAWrite++;
      const store = new ConversationStore(dir);
      await store.open();
      const conversation = await store.load(id);
      assert.ok(conversation, `round ${round}: the conversation is readable after the kill`);
      const version = Number(/^version (\d+)$/.exec(conversation.title)?.[1]);
      // The version on disk is the last one finished, or the one whose rename landed just before the kill.
      assert.ok(version === reported || version === reported + 1, `round ${round}: version ${version} on disk, ${reported} reported`);
      assert.equal(conversation.turns.length, version, 'every turn of that version is there');
      assert.equal(store.warnings.length, 0, `no corruption reported: ${store.warnings.join('; ')}`);
      const leftovers = (await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'));
      assert.deepEqual(leftovers, [], 'opening the store removes what the killed write left behind');
    }
    // Proof that the kills landed inside writes, not only between them.
    assert.ok(killedInsideAWrite > 0, 'at least one kill interrupted a write (a temp file was left)');
  });

  it('1,000 stored conversations list and load, and the index is rebuilt from them when it is lost', async () => {
    const dir = await tempDir();
    const now = Date.now();
    const conversations = Array.from({ length: 1000 }, (_, i) => storedConversation(i, now));
    await Promise.all(conversations.map((c) => fs.writeFile(path.join(dir, `${c.id}.json`), JSON.stringify(c))));
    await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify({ version: 1, conversations: conversations.map(summarize) }));

    const store = new ConversationStore(dir);
    await store.open();
    const list = store.list();
    assert.equal(list.length, 1000);
    assert.equal(list[0]?.id, conversations[0]?.id, 'most recent first');
    for (const summary of list) {
      const loaded = await store.load(summary.id);
      assert.ok(loaded, `${summary.id} loads`);
      assert.equal(loaded.turns.length, 2);
    }

    await fs.rm(path.join(dir, 'index.json'));
    const rebuilt = new ConversationStore(dir);
    await rebuilt.open();
    assert.equal(rebuilt.list().length, 1000);
    await rebuilt.flush();
    const index = JSON.parse(await fs.readFile(path.join(dir, 'index.json'), 'utf8')) as { conversations: unknown[] };
    assert.equal(index.conversations.length, 1000, 'the index is written again');
  });

  it('a corrupt file among 1,000 is moved aside and reported; the others still load', async () => {
    const dir = await tempDir();
    const now = Date.now();
    const conversations = Array.from({ length: 1000 }, (_, i) => storedConversation(i, now));
    await Promise.all(conversations.map((c) => fs.writeFile(path.join(dir, `${c.id}.json`), JSON.stringify(c))));
    const broken = conversations[500]!;
    await fs.writeFile(path.join(dir, `${broken.id}.json`), '{"version":1,"id":"' + broken.id + '","turns":[{"role":');
    const store = new ConversationStore(dir);
    await store.open();
    assert.equal(store.list().length, 999, 'the index rebuilt from the readable files');
    assert.ok(store.warnings.some((w) => w.includes(broken.id)), `the corrupt file is reported: ${store.warnings.join('; ')}`);
    const names = await fs.readdir(dir);
    assert.ok(names.some((name) => name.startsWith(`${broken.id}.json.corrupt-`)), 'moved aside, not deleted');
    assert.equal(await store.load(broken.id), undefined);
    assert.ok(await store.load(conversations[499]!.id));
  });
});
