/**
 * Images on the page: reading a pasted or dropped file for the host, and
 * thumbnails. A thumbnail is a `blob:` URL this page makes from image data the
 * host sent (a chip, or a prompt in the history) after checking it is an image
 * `data:` URL of a type we take; the CSP allows `blob:` images and nothing
 * else, so no other image can load, whatever an answer contains.
 */
import { IMAGE_LIMITS, imageSizeRefusal, imageTypeRefusal, isImageMimeType, parseImageDataUrl } from '../core/common/images';

/** Files of a paste or drop that are images (or may be: a file without a type is left to the host to judge). */
export function imageFiles(data: DataTransfer | null): File[] {
  if (!data) return [];
  return Array.from(data.files).filter((file) => file.type === '' || file.type.startsWith('image/'));
}

/** Refuses on the page what the host would refuse anyway, before a large file is read into memory. */
export function pageRefusal(file: File): string | undefined {
  if (file.type !== '' && !isImageMimeType(file.type)) return imageTypeRefusal(file.name);
  if (file.size > IMAGE_LIMITS.maxBytes) return imageSizeRefusal(file.name, file.size);
  return undefined;
}

/** The file's bytes as base64 (no `data:` prefix). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const result = typeof reader.result === 'string' ? reader.result : '';
      resolve(result.slice(result.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** blob: URLs for thumbnails, by a key the caller chooses; each is revoked when it is no longer shown. */
export class Thumbnails {
  private readonly urls = new Map<string, string>();

  /** The blob: URL for the image data URL under `key`; undefined when it is not an image data URL we take. */
  urlFor(key: string, dataUrl: string): string | undefined {
    const known = this.urls.get(key);
    if (known) return known;
    const data = parseImageDataUrl(dataUrl);
    if (!data || typeof URL.createObjectURL !== 'function') return undefined;
    let binary: string;
    try {
      binary = atob(data.base64);
    } catch {
      return undefined;
    }
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const url = URL.createObjectURL(new Blob([bytes], { type: data.mimeType }));
    this.urls.set(key, url);
    return url;
  }

  /** Revokes every URL whose key is not in `keep` (all of them by default). */
  release(keep: ReadonlySet<string> = new Set()): void {
    for (const [key, url] of this.urls) {
      if (keep.has(key)) continue;
      URL.revokeObjectURL(url);
      this.urls.delete(key);
    }
  }
}
