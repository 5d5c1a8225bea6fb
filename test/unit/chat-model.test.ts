/**
 * The chat's state (src/vscode/chat/chatModel.ts) in plain Node: loading it
 * here at all proves it does not import `vscode`. History goes to a real
 * folder through the real ConversationStore.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ImageAttachment, checkImageData, imageAttachment } from '../../src/core/common/images';
import { NULL_LOGGER } from '../../src/core/common/logger';
import { listModels } from '../../src/core/common/models';
import type { ReasoningEffort } from '../../src/core/common/types';
import { type ActiveRun, type ChatChange, ChatModel } from '../../src/vscode/chat/chatModel';
import { GIF_1X1, pngImage } from '../fixtures/images';

function image(name: string, bytes: Buffer): ImageAttachment {
  const base64 = bytes.toString('base64');
  const check = checkImageData(name, base64);
  assert.ok(check.ok);
  return imageAttachment(name, base64, check);
}

const SAMPLE = { fileName: 'src/loop.ts', languageId: 'typescript', code: 'while (i < 10) work();', startLine: 3, endLine: 3 };

interface Setup {
  readonly model: ChatModel;
  readonly changes: ChatChange['kind'][];
  readonly current: { modelId: string; effort: ReasoningEffort };
}

async function makeModel(dir?: string): Promise<Setup> {
  const storageDir = dir ?? await fs.mkdtemp(path.join(os.tmpdir(), 'reasoner-chat-model-'));
  const current = { modelId: 'o3-mini', effort: 'medium' as ReasoningEffort };
  const model = new ChatModel({ storageDir, getModels: () => listModels(), getCurrent: () => current, log: NULL_LOGGER });
  const changes: ChatChange['kind'][] = [];
  model.onDidChange((change) => changes.push(change.kind));
  await model.ready;
  return { model, changes, current };
}

/** A conversation with one finished answer, saved. */
async function answered(model: ChatModel, question: string, modelId = 'o3-mini', effort: ReasoningEffort = 'high') {
  const conversation = model.getActiveConversation()!;
  model.addPrompt(conversation, question, []);
  const answer = model.startAnswer(conversation, modelId, effort);
  answer.text = `About ${question}`;
  answer.status = 'complete';
  await model.save(conversation);
  return conversation;
}

describe('chat state (plain Node, no vscode)', () => {
  it('starts with an empty conversation and the current model when there is no history', async () => {
    const { model } = await makeModel();
    const state = model.snapshot();
    assert.equal(state.active.turns.length, 0);
    assert.deepEqual(state.conversations, [], 'an empty chat is not listed');
    assert.deepEqual(state.composer, { modelId: 'o3-mini', effort: 'medium' });
    assert.equal(state.running, false);
    assert.ok(state.models.some((m) => m.id === 'o3-pro'));
  });

  it('reopens the last conversation from disk, with the model and effort of its last answer', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reasoner-chat-model-'));
    const { model } = await makeModel(dir);
    const saved = await answered(model, 'loops', 'o3', 'low');

    const { model: reloaded } = await makeModel(dir);
    assert.equal(reloaded.getActiveConversation()!.id, saved.id);
    assert.deepEqual(reloaded.getActiveConversation()!.turns.map((t) => t.text), ['loops', 'About loops']);
    assert.deepEqual(reloaded.getComposer(), { modelId: 'o3', effort: 'low' });
  });

  it('a new conversation becomes active; switching, renaming and deleting work on the list', async () => {
    const { model, changes } = await makeModel();
    const first = await answered(model, 'first');
    changes.length = 0;
    const second = model.startNew();
    assert.deepEqual(changes, ['active', 'list']);
    assert.equal(model.getActiveConversation(), second);
    await answered(model, 'second');
    assert.deepEqual(model.getConversations().map((c) => c.id), [second.id, first.id]);

    assert.equal(await model.switchTo(first.id), true);
    assert.equal(model.getActiveConversation(), first);
    assert.equal(await model.rename(second.id, '  Second,\n renamed '), true);
    assert.equal(model.getConversations().find((c) => c.id === second.id)?.title, 'Second, renamed');
    assert.equal(await model.rename(second.id, '   '), false, 'an empty title is refused');

    assert.equal(await model.delete(first.id), true);
    assert.deepEqual(model.getConversations().map((c) => c.id), [second.id]);
    assert.equal(model.getActiveConversation()!.id, second.id, 'deleting the open chat opens the next one');
    assert.equal(await model.switchTo('c-missing-0'), false);
  });

  it('finds a conversation that is not open by its id', async () => {
    const { model } = await makeModel();
    const first = await answered(model, 'first');
    model.startNew();
    assert.equal(await model.find(first.id), first);
    assert.equal(await model.find('c-none-1'), undefined);
  });

  it('context chips: the same code once, removable, and taken by the prompt', async () => {
    const { model, changes } = await makeModel();
    const chip = model.addContext('selection', SAMPLE);
    assert.equal(chip.label, 'loop.ts:3');
    assert.equal(model.addContext('selection', { ...SAMPLE }), chip, 'the same code is one chip');
    const other = model.addContext('file', { ...SAMPLE, code: 'other', startLine: undefined, endLine: undefined });
    assert.deepEqual(model.getContexts().map((c) => c.id), [chip.id, other.id]);
    model.removeContext(other.id);
    assert.deepEqual(model.takeContexts(), [SAMPLE]);
    assert.deepEqual(model.getContexts(), []);
    assert.deepEqual(model.takeContexts(), []);
    assert.deepEqual(changes, ['contexts', 'contexts', 'contexts', 'contexts']);
  });

  it('image chips: the same image once, at most four, removable, and taken by the prompt', async () => {
    const { model, changes } = await makeModel();
    const first = model.addImage(image('a.png', pngImage(4, 4)));
    assert.ok('chip' in first);
    assert.deepEqual(model.addImage(image('again.png', pngImage(4, 4))), first, 'the same image is one chip');
    for (const [i, colour] of ([[1, 2, 3], [4, 5, 6], [7, 8, 9]] as const).entries()) {
      assert.ok('chip' in model.addImage(image(`${i}.png`, pngImage(4, 4, colour))));
    }
    const fifth = model.addImage(image('fifth.gif', GIF_1X1));
    assert.deepEqual(fifth, { refused: 'One image was not attached: a message can carry at most 4 images. Send these first, or remove one.' });
    assert.equal(model.getImages().length, 4);
    assert.equal(model.snapshot().images, model.getImages());
    model.removeImage(first.chip.id);
    model.removeImage('img-not-there');
    const taken = model.takeImages();
    assert.deepEqual(taken.map((i) => i.name), ['0.png', '1.png', '2.png']);
    assert.ok(taken.every((i) => !('id' in i)), 'the prompt keeps the images, not the chips');
    assert.deepEqual(model.getImages(), []);
    assert.deepEqual(model.takeImages(), []);
    assert.deepEqual(changes, ['images', 'images', 'images', 'images', 'images', 'images']);
  });

  it('says which models take images, and what to do when the composer\'s model does not', async () => {
    const { model } = await makeModel();
    assert.deepEqual(model.modelOptions().map((m) => `${m.id}:${m.imageInput}`), ['o1:true', 'o3:true', 'o3-mini:false', 'o3-pro:true']);
    assert.equal(model.imageRefusal('o3-mini'), undefined, 'nothing waits, nothing to refuse');
    model.addImage(image('a.png', pngImage()));
    assert.equal(model.imageRefusal('o3-mini'), 'o3-mini cannot take images, so nothing was sent. Remove the image, or switch to o1, o3 or o3-pro, and send again.');
    assert.equal(model.imageRefusal('o3'), undefined);
    assert.equal(model.imageRefusal('o3-pro'), undefined);
    assert.equal(model.imageRefusal('o3-mini', []), undefined);
    assert.equal(model.imageRefusal('o3-mini', model.getImages(), true),
      'o3-mini cannot take images, so nothing was sent. This prompt has images: switch to o1, o3 or o3-pro in the model list, then retry.');
  });

  it('the composer follows the settings only when the current model or effort changes', async () => {
    const { model, changes, current } = await makeModel();
    model.setComposer('o3-pro', 'high');
    assert.deepEqual(changes, [], 'a choice made on the page is not echoed');
    model.settingsChanged();
    assert.deepEqual(model.getComposer(), { modelId: 'o3-pro', effort: 'high' }, 'an unrelated settings change keeps the choice');
    current.modelId = 'o1';
    model.settingsChanged();
    assert.deepEqual(model.getComposer(), { modelId: 'o1', effort: 'medium' });
    assert.deepEqual(changes, ['composer', 'composer']);
  });

  it('one answer at a time per conversation; deleting a conversation stops its answer', async () => {
    const { model } = await makeModel();
    const conversation = await answered(model, 'first');
    const turn = model.startAnswer(conversation, 'o3-mini', 'low');
    let stopped = 0;
    const run: ActiveRun = { conversation, turn, stop: () => { stopped++; model.runEnded(run); } };
    model.runStarted(run);
    assert.equal(model.isRunning(), true);
    assert.equal(model.snapshot().running, true);
    assert.throws(() => model.runStarted({ ...run }), /already running/);
    assert.equal(await model.delete(conversation.id), true);
    assert.equal(stopped, 1);
    assert.equal(model.isRunning(conversation.id), false);
  });
});
