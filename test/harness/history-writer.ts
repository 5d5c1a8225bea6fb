/**
 * A child process for the history durability test: saves one conversation over
 * and over, each version larger than the last, printing `start N` before a save
 * and `done N` once it is on disk. The test kills it with SIGKILL at a `start`,
 * so the kill lands inside a write of several megabytes.
 *
 *   node out/test/harness/history-writer.js <dir> <conversation id>
 */
import { ConversationStore } from '../../src/core/node/history';
import { addUserTurn, createConversation } from '../../src/core/common/conversation';

async function main(): Promise<void> {
  const [dir, id] = process.argv.slice(2);
  if (!dir || !id) throw new Error('usage: history-writer <dir> <id>');
  const store = new ConversationStore(dir);
  await store.open();
  const conversation = { ...createConversation(), id };
  for (let version = 1; ; version++) {
    // Large enough that a write takes a while, so the kill often lands inside one.
    addUserTurn(conversation, `version ${version} ${'x'.repeat(1_000_000)}`);
    conversation.title = `version ${version}`;
    conversation.titleSource = 'user';
    process.stdout.write(`start ${version}\n`);
    await store.save(conversation);
    await store.flush();
    process.stdout.write(`done ${version}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
