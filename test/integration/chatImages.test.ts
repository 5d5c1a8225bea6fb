/**
 * Images in the chat, inside a real extension host against the gateway
 * simulator: the page's messages go through the webview host's guard and
 * handlers exactly as the page's script sends them, the request goes through
 * the extension's own request runner, and the body the simulator received is
 * checked against the gateway's OpenAPI files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssistantTurn, UserTurn } from '../../src/core/common/conversation';
import type { HostMessage, ImageChip } from '../../src/core/common/protocol';
import type { ReasoningEffort } from '../../src/core/common/types';
import { chatHtml } from '../../src/vscode/chat/html';
import type { ChatViewProvider } from '../../src/vscode/chat/chatViewProvider';
import { GIF_1X1, SVG_IMAGE, pngImage, pngOfSize } from '../fixtures/images';
import type { Simulator } from '../simulator/simulator';
import { bodyValidator } from '../unit/support-core/openapi';
import { type ChatHarness, type TestPage, active, makeChatProvider, openChatPage, waitForSaved } from './chatPage';
import { EXTENSION_ID, closeAllEditors, connectSimulator, reasoner, resetUserSettings, waitFor } from './helpers';

const PNG = pngImage(32, 20);
const PNG_BASE64 = PNG.toString('base64');
const PNG_URL = `data:image/png;base64,${PNG_BASE64}`;

type Part = Record<string, unknown>;
interface Message { role: string; content: string | Part[] }

function lastMessage(body: unknown, field: 'messages' | 'input'): Message {
  const list = (body as Record<string, Message[]>)[field];
  assert.ok(Array.isArray(list) && list.length > 0, `the body has ${field}`);
  return list.at(-1)!;
}

function imagesShown(page: TestPage): readonly ImageChip[] | undefined {
  return page.delivered.filter((m): m is Extract<HostMessage, { type: 'images' }> => m.type === 'images').at(-1)?.images;
}

function notices(page: TestPage): string[] {
  return page.delivered.filter((m): m is Extract<HostMessage, { type: 'notice' }> => m.type === 'notice').map((m) => m.message);
}

function lastAnswer(provider: ChatViewProvider): AssistantTurn | undefined {
  const last = active(provider).turns.at(-1);
  return last?.role === 'assistant' && last.status !== 'streaming' ? last : undefined;
}

suite('Chat images (real extension host, simulated gateway, bodies checked against the OpenAPI files)', () => {
  let sim: Simulator;
  let storageRoot: string;
  let extensionUri: vscode.Uri;
  const cleanup: vscode.Disposable[] = [];

  const makeProvider = (storageDir = path.join(storageRoot, 'chat'), current: { modelId: string; effort: ReasoningEffort } = { modelId: 'o3-mini', effort: 'medium' }): Promise<ChatHarness> =>
    makeChatProvider(cleanup, { extensionUri, storageDir, current });

  /** A chat on its own folder with its page open and one image pasted (as the page's script posts it). */
  async function withPastedImage(storageDir?: string): Promise<{ provider: ChatViewProvider; page: TestPage }> {
    const { provider } = await makeProvider(storageDir);
    const page = await openChatPage(cleanup, provider);
    assert.deepEqual(imagesShown(page) ?? (await page.state()).state.images, []);
    page.fromPage({ type: 'addImage', name: 'screenshot.png', data: PNG_BASE64 });
    const shown = await waitFor('the image chip on the page', () => (imagesShown(page)?.length === 1 ? imagesShown(page) : undefined));
    assert.deepEqual(shown.map(({ name, mimeType, bytes, url }) => ({ name, mimeType, bytes, url })),
      [{ name: 'screenshot.png', mimeType: 'image/png', bytes: PNG.length, url: PNG_URL }]);
    return { provider, page };
  }

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    extensionUri = extension.extensionUri;
    await reasoner();
    sim = await connectSimulator();
  });

  setup(() => {
    storageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-chat-images-'));
    sim.reset();
  });

  teardown(async () => {
    for (const disposable of cleanup.splice(0).reverse()) disposable.dispose();
    await closeAllEditors();
  });

  suiteTeardown(async () => {
    await sim?.close();
    await resetUserSettings();
  });

  test('o3 (chat completions): the pasted image is an image_url part of the user message, valid against o3.json', async () => {
    const { provider, page } = await withPastedImage();
    sim.script({ text: 'The Save button overlaps its label.' });
    page.fromPage({ type: 'send', text: 'What is wrong in this screenshot?', modelId: 'o3', effort: 'low' });
    const answer = await waitFor('the answer', () => lastAnswer(provider));
    assert.equal(answer.status, 'complete');
    assert.equal(answer.text, 'The Save button overlaps its label.');

    assert.equal(sim.requests.length, 1);
    const { body, path: requestPath } = sim.requests[0]!;
    assert.equal(requestPath, '/v1/chat/completions');
    assert.equal((body as { model: string }).model, 'openai/o3-2025-04-16');
    assert.deepEqual(lastMessage(body, 'messages'), {
      role: 'user',
      content: [{ type: 'text', text: 'What is wrong in this screenshot?' }, { type: 'image_url', image_url: { url: PNG_URL } }],
    });
    const check = bodyValidator('o3.json', '/chat/completions').validate(body);
    assert.ok(check.valid, `the body breaks o3.json:\n${check.errors}`);

    const prompt = active(provider).turns[0] as UserTurn;
    assert.deepEqual(prompt.images?.map((i) => [i.name, i.mimeType, i.url]), [['screenshot.png', 'image/png', PNG_URL]]);
    assert.deepEqual(provider.model.getImages(), [], 'the prompt took the image from the composer');
    assert.deepEqual(imagesShown(page), []);
    const shownPrompt = page.delivered.find((m) => m.type === 'turnAdded' && m.turn.role === 'user');
    assert.ok(shownPrompt?.type === 'turnAdded' && shownPrompt.turn.role === 'user' && shownPrompt.turn.images?.[0]?.url === PNG_URL, 'the page shows the prompt with its image');

    // Thumbnails are blob: URLs the page makes; the CSP allows those and no other image.
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(chatHtml(page.webview, extensionUri))?.[1] ?? '';
    assert.match(csp, /(^|; )img-src blob:(;|$)/);
    assert.doesNotMatch(csp, /img-src[^;]*(https?:|data:|\*|'self')/);
  });

  test('o3-pro (responses): the image is an input_image part of the input, valid against o3-pro-RESPONSES.json', async () => {
    const { provider, page } = await withPastedImage();
    page.fromPage({ type: 'addImage', name: 'diagram.gif', data: GIF_1X1.toString('base64') });
    await waitFor('the second chip', () => imagesShown(page)?.length === 2);
    sim.script({ text: 'The arrow points the wrong way.', reasoning: ['Compared the two images.'] });
    page.fromPage({ type: 'send', text: 'Compare these.', modelId: 'o3-pro', effort: 'high' });
    const answer = await waitFor('the answer', () => lastAnswer(provider), 30_000);
    assert.equal(answer.status, 'complete');

    // o3-pro runs in background mode: one POST, then polls of its job.
    const asked = sim.requests.filter((request) => request.method === 'POST');
    assert.equal(asked.length, 1);
    const { body, path: requestPath } = asked[0]!;
    assert.equal(requestPath, '/v1/responses');
    assert.equal((body as { model: string }).model, 'openai/o3-pro');
    assert.equal((body as { background?: boolean }).background, true);
    assert.deepEqual(lastMessage(body, 'input'), {
      role: 'user',
      content: [
        { type: 'input_text', text: 'Compare these.' },
        { type: 'input_image', image_url: PNG_URL, detail: 'auto' },
        { type: 'input_image', image_url: `data:image/gif;base64,${GIF_1X1.toString('base64')}`, detail: 'auto' },
      ],
    });
    const check = bodyValidator('o3-pro-RESPONSES.json', '/responses').validate(body);
    assert.ok(check.valid, `the body breaks o3-pro-RESPONSES.json:\n${check.errors}`);
  });

  test('o3-mini cannot take images: nothing is sent, the page says why, and the prompt and the image are kept', async () => {
    const { provider, page } = await withPastedImage();
    page.fromPage({ type: 'send', text: 'Why does this layout break?', modelId: 'o3-mini', effort: 'medium' });
    const refusal = await waitFor('the refusal on the page', () => notices(page).find((n) => /cannot take images/.test(n)));
    assert.equal(refusal, 'o3-mini cannot take images, so nothing was sent. Remove the image, or switch to o1, o3 or o3-pro, and send again.');
    assert.ok(page.delivered.some((m) => m.type === 'setDraft' && m.text === 'Why does this layout break?'), 'the prompt goes back to the composer');
    assert.equal(provider.model.getImages().length, 1, 'the image stays attached');
    assert.equal(active(provider).turns.length, 0, 'no turn was added');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sim.requests.length, 0, 'nothing reached the gateway');
    await assert.rejects(provider.send('again', { modelId: 'o3-mini' }), /o3-mini cannot take images/);
    assert.equal(provider.model.getImages().length, 1);

    // Switching (what the chip's button does) and sending again sends the kept image.
    sim.script({ text: 'The flex container has no wrap.' });
    page.fromPage({ type: 'setComposer', modelId: 'o3', effort: 'medium' });
    page.fromPage({ type: 'send', text: 'Why does this layout break?', modelId: 'o3', effort: 'medium' });
    assert.equal((await waitFor('the answer', () => lastAnswer(provider))).status, 'complete');
    assert.equal(sim.requests.length, 1);
    assert.deepEqual((lastMessage(sim.requests[0]!.body, 'messages').content as Part[]).map((p) => p.type), ['text', 'image_url']);
  });

  test('Retry of a prompt with an image is refused for o3-mini with what to do, and runs with its image on o3', async () => {
    const { provider, page } = await withPastedImage();
    sim.script({ status: 400, message: 'Unsupported parameter for this model.' });
    page.fromPage({ type: 'send', text: 'Read the error in this screenshot.', modelId: 'o3', effort: 'medium' });
    const failed = await waitFor('the failed answer', () => lastAnswer(provider), 30_000);
    assert.equal(failed.status, 'error');
    const sent = sim.requests.length;

    page.fromPage({ type: 'setComposer', modelId: 'o3-mini', effort: 'medium' });
    page.fromPage({ type: 'retry', conversationId: active(provider).id, turnId: failed.id });
    const refusal = await waitFor('the refusal', () => notices(page).find((n) => /cannot take images/.test(n)));
    assert.equal(refusal, 'o3-mini cannot take images, so nothing was sent. This prompt has images: switch to o1, o3 or o3-pro in the model list, then retry.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sim.requests.length, sent, 'nothing more reached the gateway');
    assert.equal((active(provider).turns.at(-1) as AssistantTurn).status, 'error', 'the failed answer is left as it was');

    sim.script({ text: 'It says: disk full.' });
    page.fromPage({ type: 'setComposer', modelId: 'o3', effort: 'medium' });
    page.fromPage({ type: 'retry', conversationId: active(provider).id, turnId: failed.id });
    await waitFor('the retried answer', () => lastAnswer(provider)?.status === 'complete');
    assert.deepEqual((lastMessage(sim.requests.at(-1)!.body, 'messages').content as Part[]).map((p) => p.type), ['text', 'image_url']);
  });

  test('an image too large, of the wrong type, not base64, or one too many is refused with a message naming it; nothing is sent', async () => {
    const { provider } = await makeProvider();
    const page = await openChatPage(cleanup, provider);
    const refused = async (name: string, data: string, expected: RegExp): Promise<void> => {
      const before = notices(page).length;
      page.fromPage({ type: 'addImage', name, data });
      const notice = await waitFor(`the refusal of ${name}`, () => notices(page).slice(before)[0], 15_000);
      assert.match(notice, expected);
    };
    await refused('huge screenshot.png', pngOfSize(6_000_000).toString('base64'),
      /^"huge screenshot\.png" was not attached: it is 5\.7 MB, and an image can be at most 5 MB\. Crop or scale it down, or save it as JPEG\.$/);
    await refused('logo.svg', SVG_IMAGE.toString('base64'), /^"logo\.svg" was not attached: only PNG, JPEG, GIF and WebP images can be sent\.$/);
    await refused('notes.png', Buffer.from('plain text pretending to be a picture').toString('base64'), /only PNG, JPEG, GIF and WebP images can be sent/);
    await refused('broken.png', `${PNG_BASE64.slice(0, 20)}!${PNG_BASE64.slice(21)}`, /^"broken\.png" was not attached: its data could not be read as an image\.$/);
    assert.deepEqual(provider.model.getImages(), []);

    // The host's file picker path (Attach Image): files are checked the same way; a large one before it is read.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-image-files-'));
    const file = (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(dir, name), bytes);
      return vscode.Uri.file(path.join(dir, name));
    };
    const before = notices(page).length;
    const attached = await provider.images.attachFiles([
      file('big.png', pngOfSize(8 * 1024 * 1024)), file('readme.png', Buffer.from('# not an image')), file('ok.png', PNG),
      ...[1, 2, 3, 4].map((n) => file(`more-${n}.png`, pngImage(2, 2, [n, n, n]))),
    ]);
    assert.deepEqual(attached.map((chip) => chip.name), ['ok.png', 'more-1.png', 'more-2.png', 'more-3.png']);
    await waitFor('three refusals', () => notices(page).length - before >= 3);
    assert.deepEqual(notices(page).slice(before), [
      '"big.png" was not attached: it is 8 MB, and an image can be at most 5 MB. Crop or scale it down, or save it as JPEG.',
      '"readme.png" was not attached: only PNG, JPEG, GIF and WebP images can be sent.',
      'One image was not attached: a message can carry at most 4 images. Send these first, or remove one.',
    ]);
    await waitFor('four chips on the page', () => imagesShown(page)?.length === 4);
    await refused('fifth.gif', GIF_1X1.toString('base64'), /^One image was not attached: a message can carry at most 4 images\./);
    assert.equal(provider.model.getImages().length, 4);

    page.fromPage({ type: 'removeImage', id: attached[0]!.id });
    await waitFor('the chip to go', () => imagesShown(page)?.length === 3);
    assert.equal(sim.requests.length, 0, 'nothing was sent');
  });

  test('history keeps the image: a fresh chat on the same folder shows it with the prompt and sends it again with a follow-up', async () => {
    const storageDir = path.join(storageRoot, 'chat');
    const { provider, page } = await withPastedImage(storageDir);
    sim.script({ text: 'A misaligned icon.' });
    page.fromPage({ type: 'send', text: 'What do you see?', modelId: 'o3', effort: 'medium' });
    await waitFor('the answer', () => lastAnswer(provider));
    const id = active(provider).id;
    await waitForSaved(storageDir, id, 'the prompt with its image',
      (saved) => saved.turns.length === 2 && (saved.turns[0] as UserTurn).images?.[0]?.url === PNG_URL && (saved.turns[1] as AssistantTurn).status === 'complete');
    provider.dispose();

    const { provider: reloaded } = await makeProvider(storageDir);
    const prompt = active(reloaded).turns[0] as UserTurn;
    assert.equal(active(reloaded).id, id);
    assert.deepEqual(prompt.images?.map((i) => [i.name, i.mimeType, i.bytes, i.url]), [['screenshot.png', 'image/png', PNG.length, PNG_URL]]);
    const reopened = await openChatPage(cleanup, reloaded);
    const state = await reopened.state();
    assert.equal((state.state.active.turns[0] as UserTurn).images?.[0]?.url, PNG_URL, 'the page receives the image to show as a thumbnail');

    // A follow-up to o3 carries the earlier image again; one to o3-mini leaves it out and says so.
    sim.script({ text: 'Move it 2px left.' }, { text: 'Use flex alignment.' });
    reopened.fromPage({ type: 'send', text: 'How do I fix it?', modelId: 'o3', effort: 'medium' });
    await waitFor('the second answer', () => active(reloaded).turns.length === 4 && lastAnswer(reloaded));
    const second = sim.requests[1]!.body;
    const firstPrompt = (second as { messages: Message[] }).messages.find((m) => m.role === 'user')!;
    assert.deepEqual((firstPrompt.content as Part[]).map((p) => p.type), ['text', 'image_url']);
    assert.ok(bodyValidator('o3.json', '/chat/completions').validate(second).valid);

    reopened.fromPage({ type: 'send', text: 'Any other way?', modelId: 'o3-mini', effort: 'medium' });
    await waitFor('the third answer', () => active(reloaded).turns.length === 6 && lastAnswer(reloaded));
    const third = sim.requests[2]!.body as { messages: Message[] };
    assert.ok(third.messages.every((m) => typeof m.content === 'string'), 'no image part goes to o3-mini');
    assert.match(third.messages.find((m) => m.role === 'user')!.content as string, /An image \(screenshot\.png\) attached here is not included: this model does not take images\./);
    assert.ok(bodyValidator('o3-mini.json', '/chat/completions').validate(third).valid);
    await waitFor('the note on the page', () => notices(reopened).some((n) => n === 'o3-mini cannot take images: the images earlier in this chat are not sent with this message.'));
  });
});
