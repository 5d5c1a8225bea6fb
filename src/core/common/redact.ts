/** Replace every occurrence of a secret in a string (used on everything that reaches a logger or a message). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}

/** What people see where foreign text (a gateway's error, a proxy's page) held the API key. */
export const REDACTED_KEY = '[redacted key]';

/** The shortest start of a key taken as that key when the text was cut off right after it. */
const MIN_CUT_KEY_CHARS = 4;

/**
 * Foreign text with the API key taken out: `Bearer <key>` and the key itself become
 * {@link REDACTED_KEY}, and so does the start of the key where the text was shortened
 * (cut off with an ellipsis in the middle of it).
 */
export function redactKey(text: string, key: string | undefined): string {
  if (!key || key.length < MIN_CUT_KEY_CHARS) return text;
  const out = text.replace(new RegExp(`Bearer\\s+${escapeRegExp(key)}`, 'gi'), REDACTED_KEY).split(key).join(REDACTED_KEY);
  return out.includes('…') ? redactCutKey(out, key) : out;
}

function redactCutKey(text: string, key: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('…'); at >= 0; at = text.indexOf('…', at + 1)) {
    for (let length = Math.min(key.length - 1, at - from); length >= MIN_CUT_KEY_CHARS; length--) {
      if (text.startsWith(key.slice(0, length), at - length)) {
        const start = /Bearer\s+$/i.exec(text.slice(from, at - length));
        out += text.slice(from, start ? at - length - start[0].length : at - length) + REDACTED_KEY;
        from = at;
        break;
      }
    }
  }
  return out + text.slice(from);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
