/**
 * Images attached to a chat prompt: what is accepted, how it is checked, and
 * how a refusal is worded. Shared by the host (which checks everything the page
 * sends and everything read from disk) and the page (which checks a file before
 * reading it, so a huge one is never loaded, and shows the same words).
 *
 * An image is accepted by its content, not its name or declared type: the
 * first bytes must be those of a PNG, JPEG, GIF or WebP file. The size is
 * computed from the base64 text without decoding it all.
 */
import type { ImageInput } from './types';

export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMimeType = (typeof IMAGE_MIME_TYPES)[number];

/** File name extensions the host's file picker offers. */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'gif', 'webp'];

/**
 * What one prompt may carry. The history loader checks stored images against
 * these too: raising them is safe, lowering them would make older chats unreadable.
 */
export const IMAGE_LIMITS = {
  /** Decoded size of one image. */
  maxBytes: 5 * 1024 * 1024,
  maxPerMessage: 4,
  nameChars: 200,
} as const;

/** An image kept with a user turn and sent as the API's image part (`url` is a base64 `data:` URL). */
export interface ImageAttachment extends ImageInput {
  readonly name: string;
  readonly mimeType: ImageMimeType;
  /** Decoded size. */
  readonly bytes: number;
}

export type ImageCheck =
  | { readonly ok: true; readonly mimeType: ImageMimeType; readonly bytes: number }
  | { readonly ok: false; readonly problem: 'encoding' | 'empty' | 'type' | 'size'; readonly message: string };

const TYPE_NAMES: Readonly<Record<ImageMimeType, string>> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WebP' };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function isImageMimeType(value: unknown): value is ImageMimeType {
  return typeof value === 'string' && (IMAGE_MIME_TYPES as readonly string[]).includes(value);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, '') : Math.round(mb)} MB`;
}

/** A file name fit to show: no path, no control characters, not too long; a fallback when there is none. */
export function displayName(name: string, fallback = 'pasted image'): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (base === '') return fallback;
  return base.length > 80 ? `${base.slice(0, 77)}…` : base;
}

// --- the words a person sees (the host and the page say the same)

export function imageTypeRefusal(name: string): string {
  return `"${displayName(name)}" was not attached: only PNG, JPEG, GIF and WebP images can be sent.`;
}

export function imageSizeRefusal(name: string, bytes: number): string {
  return `"${displayName(name)}" was not attached: it is ${formatBytes(bytes)}, and an image can be at most ${formatBytes(IMAGE_LIMITS.maxBytes)}. Crop or scale it down, or save it as JPEG.`;
}

export function imageCountRefusal(notAttached: number): string {
  const what = notAttached === 1 ? 'One image was' : `${notAttached} images were`;
  return `${what} not attached: a message can carry at most ${IMAGE_LIMITS.maxPerMessage} images. Send these first, or remove one.`;
}

/**
 * Said when the composer's model cannot take the images of a prompt: one waiting
 * to be sent, or one already sent that is asked again (`retry`).
 * `imageModels` are the labels of the models in the list that can.
 */
export function imageModelRefusal(modelLabel: string, imageModels: readonly string[], retry = false): string {
  const alternatives = imageModels.length > 0 ? `switch to ${listWords(imageModels)}` : 'pick a model that takes images';
  return retry
    ? `${modelLabel} cannot take images, so nothing was sent. This prompt has images: ${alternatives} in the model list, then retry.`
    : `${modelLabel} cannot take images, so nothing was sent. Remove the image, or ${alternatives}, and send again.`;
}

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

// --- checking the data

/** Decodes the first bytes of base64 text (enough to recognise a file type). */
function decodePrefix(base64: string, bytes: number): number[] {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < base64.length && out.length < bytes; i++) {
    const value = BASE64_ALPHABET.indexOf(base64[i]!);
    if (value < 0) break;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return out;
}

/** The image type the bytes start with, if it is one we take. */
export function sniffImageType(head: readonly number[]): ImageMimeType | undefined {
  const at = (offset: number, ...expected: number[]) => expected.every((byte, i) => head[offset + i] === byte);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (at(4, 0x37, 0x61) || at(4, 0x39, 0x61))) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

/** Decoded size of well-formed base64 text. */
export function base64Bytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * Checks base64 image data: well-formed, not empty, a PNG/JPEG/GIF/WebP by its
 * first bytes, within the size limit. The declared type is not trusted; the
 * content decides.
 */
export function checkImageData(name: string, base64: string): ImageCheck {
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    return { ok: false, problem: 'encoding', message: `"${displayName(name)}" was not attached: its data could not be read as an image.` };
  }
  const bytes = base64Bytes(base64);
  if (bytes === 0) return { ok: false, problem: 'empty', message: `"${displayName(name)}" was not attached: the file is empty.` };
  const mimeType = sniffImageType(decodePrefix(base64, 12));
  if (!mimeType) return { ok: false, problem: 'type', message: imageTypeRefusal(name) };
  if (bytes > IMAGE_LIMITS.maxBytes) return { ok: false, problem: 'size', message: imageSizeRefusal(name, bytes) };
  return { ok: true, mimeType, bytes };
}

/** An attachment from checked data. */
export function imageAttachment(name: string, base64: string, check: Extract<ImageCheck, { ok: true }>): ImageAttachment {
  return { name: displayName(name), mimeType: check.mimeType, bytes: check.bytes, url: `data:${check.mimeType};base64,${base64}` };
}

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

/** The type and base64 data of an image `data:` URL we would have made; undefined for anything else. */
export function parseImageDataUrl(url: string): { readonly mimeType: ImageMimeType; readonly base64: string } | undefined {
  const match = DATA_URL.exec(url);
  if (!match || !isImageMimeType(match[1])) return undefined;
  return { mimeType: match[1], base64: match[2]! };
}

/** A stored or received attachment: every field checked, and the data what its type and size say. */
export function isImageAttachment(value: unknown): value is ImageAttachment {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || v.name.length > IMAGE_LIMITS.nameChars) return false;
  if (!isImageMimeType(v.mimeType) || typeof v.bytes !== 'number' || typeof v.url !== 'string') return false;
  if (v.detail !== undefined && v.detail !== 'low' && v.detail !== 'high' && v.detail !== 'auto') return false;
  const data = parseImageDataUrl(v.url);
  if (!data || data.mimeType !== v.mimeType) return false;
  const check = checkImageData(v.name, data.base64);
  return check.ok && check.mimeType === v.mimeType && check.bytes === v.bytes;
}

export function isImageList(value: unknown): value is readonly ImageAttachment[] {
  return Array.isArray(value) && value.length <= IMAGE_LIMITS.maxPerMessage && value.every(isImageAttachment);
}

/** One line naming the image for people (chips, alt text, exports). */
export function describeImage(image: Pick<ImageAttachment, 'name' | 'mimeType' | 'bytes'>): string {
  return `${image.name} (${TYPE_NAMES[image.mimeType]}, ${formatBytes(image.bytes)})`;
}
