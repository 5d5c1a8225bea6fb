/**
 * Images in the chat, without a window: the checks the host makes on what the
 * page sends (type from the bytes, base64 shape, decoded size), the history
 * loader's checks on what it reads from disk, and how images travel in the
 * turns of a request.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type Conversation,
  addUserTurn,
  createConversation,
  parseConversation,
  startAssistantTurn,
  toRequestTurns,
} from '../../src/core/common/conversation';
import { conversationToMarkdown } from '../../src/core/common/conversationMarkdown';
import {
  IMAGE_LIMITS, type ImageAttachment, checkImageData, imageAttachment, isImageAttachment, parseImageDataUrl,
} from '../../src/core/common/images';
import { ConversationStore } from '../../src/core/node/history';
import { BMP_HEAD, GIF_1X1, JPEG_HEAD, SVG_IMAGE, WEBP_HEAD, dataUrl, pngImage, pngOfSize } from '../fixtures/images';

function attachment(name: string, bytes: Buffer): ImageAttachment {
  const base64 = bytes.toString('base64');
  const check = checkImageData(name, base64);
  assert.ok(check.ok, `${name} is accepted`);
  return imageAttachment(name, base64, check);
}

const PNG = pngImage();

describe('chat images: what the host accepts', () => {
  it('takes PNG, JPEG, GIF and WebP by their first bytes, and counts the decoded size', () => {
    const cases: [string, Buffer, string][] = [
      ['shot.png', PNG, 'image/png'], ['photo.jpg', JPEG_HEAD, 'image/jpeg'], ['anim.gif', GIF_1X1, 'image/gif'], ['pic.webp', WEBP_HEAD, 'image/webp'],
    ];
    for (const [name, bytes, type] of cases) {
      assert.deepEqual(checkImageData(name, bytes.toString('base64')), { ok: true, mimeType: type, bytes: bytes.length }, name);
    }
    // Every padding length gives the exact size.
    for (const size of [20, 21, 22]) {
      const check = checkImageData('p.png', pngOfSize(size).toString('base64'));
      assert.ok(check.ok && check.bytes === size, `${size} bytes`);
    }
  });

  it('judges by content, not by name: an SVG, a bitmap or text called .png is refused, a PNG called .jpg is a PNG', () => {
    for (const [name, bytes] of [['logo.svg', SVG_IMAGE], ['screen.bmp', BMP_HEAD], ['notes.png', Buffer.from('just some text, honest')]] as const) {
      const check = checkImageData(name, bytes.toString('base64'));
      assert.equal(check.ok, false, name);
      if (!check.ok) {
        assert.equal(check.problem, 'type');
        assert.equal(check.message, `"${name}" was not attached: only PNG, JPEG, GIF and WebP images can be sent.`);
      }
    }
    const renamed = checkImageData('actually-png.jpg', PNG.toString('base64'));
    assert.ok(renamed.ok && renamed.mimeType === 'image/png');
  });

  it('refuses an image over the limit, saying its size and the limit; the limit itself is accepted', () => {
    assert.ok(checkImageData('max.png', pngOfSize(IMAGE_LIMITS.maxBytes).toString('base64')).ok);
    const check = checkImageData('huge screenshot.png', pngOfSize(IMAGE_LIMITS.maxBytes + 1).toString('base64'));
    assert.equal(check.ok, false);
    if (!check.ok) {
      assert.equal(check.problem, 'size');
      assert.match(check.message, /^"huge screenshot\.png" was not attached: it is 5(\.0)? MB, and an image can be at most 5 MB\./);
    }
    const bigger = checkImageData('big.png', pngOfSize(7_400_000).toString('base64'));
    assert.ok(!bigger.ok && /it is 7\.1 MB/.test(bigger.message));
  });

  it('refuses data that is not well-formed base64, and empty data', () => {
    for (const bad of ['abc', 'iVBO Rw0K', 'iVBORw0KGgo=====', 'iVBO\nRw0K', '!!!!', 'data:image/png;base64,iVBORw0KGgo=']) {
      const check = checkImageData('x.png', bad);
      assert.ok(!check.ok && check.problem === 'encoding', JSON.stringify(bad));
    }
    const empty = checkImageData('empty.png', '');
    assert.ok(!empty.ok && empty.problem === 'empty');
  });

  it('names images without paths or control characters', () => {
    const image = attachment('C:\\Users\\me\\Desktop\\shot\u202e.png', PNG);
    assert.equal(image.name, 'shot.png');
    assert.equal(attachment('', PNG).name, 'pasted image');
    assert.equal(image.url, `data:image/png;base64,${PNG.toString('base64')}`);
  });

  it('reads back only image data: URLs of the types we take', () => {
    assert.deepEqual(parseImageDataUrl(dataUrl('image/png', PNG)), { mimeType: 'image/png', base64: PNG.toString('base64') });
    for (const url of [
      'https://evil.test/pixel.png', 'data:image/svg+xml;base64,PHN2Zz4=', 'data:text/html;base64,PHNjcmlwdD4=',
      'data:image/png,rawtext', `data:image/png;base64,${PNG.toString('base64')}"onerror="x`, 'blob:https://evil.test/1',
    ]) {
      assert.equal(parseImageDataUrl(url), undefined, url);
    }
  });
});

describe('chat images: history validation (files on disk are untrusted)', () => {
  const good = (): ImageAttachment => attachment('shot.png', PNG);

  it('accepts an attachment whose data is what its type and size say', () => {
    assert.equal(isImageAttachment(good()), true);
    assert.equal(isImageAttachment({ ...good(), detail: 'low' }), true);
  });

  const tampered: [string, (image: ImageAttachment) => unknown][] = [
    ['a remote URL', (i) => ({ ...i, url: 'https://evil.test/pixel.png' })],
    ['an SVG data URL', (i) => ({ ...i, url: dataUrl('image/svg+xml', SVG_IMAGE), mimeType: 'image/svg+xml' })],
    ['SVG bytes labelled PNG', (i) => ({ ...i, url: dataUrl('image/png', SVG_IMAGE), bytes: SVG_IMAGE.length })],
    ['a type that does not match the data', (i) => ({ ...i, mimeType: 'image/jpeg', url: i.url.replace('image/png', 'image/jpeg') })],
    ['a declared type that does not match the URL', (i) => ({ ...i, mimeType: 'image/gif' })],
    ['a wrong size', (i) => ({ ...i, bytes: i.bytes + 1 })],
    ['an image over the limit', () => ({ name: 'big.png', mimeType: 'image/png', bytes: IMAGE_LIMITS.maxBytes + 1, url: dataUrl('image/png', pngOfSize(IMAGE_LIMITS.maxBytes + 1)) })],
    ['broken base64', (i) => ({ ...i, url: `${i.url.slice(0, 40)}*${i.url.slice(41)}` })],
    ['no name', (i) => ({ ...i, name: undefined })],
    ['a name too long', (i) => ({ ...i, name: 'x'.repeat(IMAGE_LIMITS.nameChars + 1) })],
    ['an unknown detail', (i) => ({ ...i, detail: 'ultra' })],
    ['not an object', () => 'data:image/png;base64,iVBORw0KGgo='],
  ];
  for (const [what, make] of tampered) {
    it(`refuses ${what}`, () => assert.equal(isImageAttachment(make(good())), false));
  }

  function withImages(images: unknown): Record<string, unknown> {
    const conversation = createConversation();
    addUserTurn(conversation, 'What is wrong in this screenshot?', [], Date.now(), [good()]);
    const json = JSON.parse(JSON.stringify(conversation)) as { turns: Record<string, unknown>[] };
    json.turns[0]!.images = images;
    return json as unknown as Record<string, unknown>;
  }

  it('loads a conversation whose prompt carries images, and refuses one with a bad image or too many', () => {
    assert.ok(parseConversation(withImages([good(), attachment('b.gif', GIF_1X1)])));
    assert.equal(parseConversation(withImages([{ ...good(), url: 'https://evil.test/pixel.png' }])), undefined);
    assert.equal(parseConversation(withImages(Array.from({ length: IMAGE_LIMITS.maxPerMessage + 1 }, good))), undefined);
    assert.equal(parseConversation(withImages('data:image/png;base64,iVBORw0KGgo=')), undefined);
  });

  it('keeps images across a save and a fresh store, and moves a file with a tampered image aside', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reasoner-images-'));
    const conversation = createConversation();
    const image = good();
    addUserTurn(conversation, '', [], Date.now(), [image]);
    assert.equal(conversation.title, 'Image: shot.png', 'a prompt of only an image is titled by it');
    const store = new ConversationStore(dir);
    await store.save(conversation);
    const fresh = new ConversationStore(dir);
    const loaded = await fresh.load(conversation.id);
    assert.deepEqual(loaded?.turns[0], JSON.parse(JSON.stringify(conversation.turns[0])));

    const file = path.join(dir, `${conversation.id}.json`);
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as Conversation;
    await fs.writeFile(file, JSON.stringify(json).replace(image.url, 'https://evil.test/pixel.png'));
    const warnings: string[] = [];
    const third = new ConversationStore(dir, { info: () => undefined, warn: (m) => warnings.push(m) });
    assert.equal(await third.load(conversation.id), undefined);
    assert.match(warnings.join('\n'), /moved aside/);
    assert.ok((await fs.readdir(dir)).some((name) => name.startsWith(`${conversation.id}.json.corrupt-`)));
  });
});

describe('chat images: in the turns of a request', () => {
  function twoImageTurns(): { conversation: Conversation; first: ImageAttachment; second: ImageAttachment } {
    const conversation = createConversation();
    const first = attachment('before.png', PNG);
    const second = attachment('after.gif', GIF_1X1);
    addUserTurn(conversation, 'What changed?', [], Date.now(), [first]);
    const answer = startAssistantTurn(conversation, { id: 'o3' }, 'medium');
    answer.text = 'The button moved.';
    answer.status = 'complete';
    addUserTurn(conversation, 'And now?', [], Date.now(), [second]);
    return { conversation, first, second };
  }

  it('each prompt carries its images, earlier ones too, for a model that takes images', () => {
    const { conversation, first, second } = twoImageTurns();
    const turns = toRequestTurns(conversation);
    assert.deepEqual(turns.map((t) => t.images?.map((i) => i.url)), [[first.url], undefined, [second.url]]);
  });

  it('for a text-only model, earlier images are left out with a note; the prompt keeps its own (the request is then refused)', () => {
    const { conversation, second } = twoImageTurns();
    const turns = toRequestTurns(conversation, undefined, { imageInput: false });
    assert.equal(turns[0]!.images, undefined);
    assert.equal(turns[0]!.text, 'What changed?\n\n[An image (before.png) attached here is not included: this model does not take images.]');
    assert.deepEqual(turns[2]!.images?.map((i) => i.url), [second.url]);
    const upToFirst = toRequestTurns(conversation, conversation.turns[0]!.id, { imageInput: false });
    assert.equal(upToFirst.length, 1);
    assert.equal(upToFirst[0]!.images?.length, 1, 'the prompt being answered keeps its image');
  });

  it('the Markdown export names each image and embeds none', () => {
    const { conversation, first } = twoImageTurns();
    const markdown = conversationToMarkdown(conversation);
    assert.match(markdown, /## You\n\n_Image: before\.png \\\(PNG, \d+ bytes\\\)_\n\nWhat changed\?/);
    assert.ok(!markdown.includes(first.url.slice(30, 60)), 'no image data in the export');
    assert.ok(!markdown.includes('data:'), 'no data URL in the export');
  });
});
