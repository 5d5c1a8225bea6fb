/**
 * Where the API key may go. The key is sent only to the configured base URL,
 * and that URL must be https, or plain http on this machine's loopback (a local
 * proxy, or the gateway simulator in tests).
 */

export type BaseUrlCheck =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly message: string };

export const DEFAULT_BASE_URL = 'https://api.aimlapi.com/v1';
export const GATEWAY_KEYS_PAGE = 'https://aimlapi.com/app/keys';
export const GATEWAY_BILLING_PAGE = 'https://aimlapi.com/app/billing';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** Normalises the setting (no trailing slash) or says what is wrong with it. */
export function checkBaseUrl(raw: unknown): BaseUrlCheck {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return { ok: false, message: 'The setting reasoner.baseUrl is empty. Set it to the gateway URL, for example https://api.aimlapi.com/v1.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `The setting reasoner.baseUrl ("${text}") is not a URL. Use the gateway URL, for example https://api.aimlapi.com/v1.` };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'The setting reasoner.baseUrl must not contain a user name or password. Reasoner sends your API key from SecretStorage.' };
  }
  if (url.search || url.hash) {
    return { ok: false, message: 'The setting reasoner.baseUrl must not contain a query or fragment.' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { ok: false, message: `Refusing to send your API key over plain http to ${url.host}. Use https://, or http:// only for a proxy on this machine (127.0.0.1, localhost, [::1]).` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `The setting reasoner.baseUrl must be an https:// URL (got ${url.protocol}).` };
  }
  return { ok: true, url: url.toString().replace(/\/+$/, '') };
}

/** Checks what the user typed as an API key: trimmed, not empty, no inner whitespace. */
export function checkApiKey(raw: string): { readonly ok: true; readonly key: string } | { readonly ok: false; readonly message: string } {
  const key = raw.trim();
  if (key === '') return { ok: false, message: 'The key is empty. Paste the key from your AI/ML API dashboard.' };
  if (/\s/.test(key)) return { ok: false, message: 'The key contains spaces or line breaks. Paste the key alone.' };
  return { ok: true, key };
}
