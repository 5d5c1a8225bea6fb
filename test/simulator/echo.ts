/**
 * A gateway that echoes what it was sent: `{{authorization}}` and `{{key}}` in any text of a
 * script become the request's Authorization header and its bearer key, so tests can check
 * that what such a gateway says never shows the key.
 */

import type { SimScript } from './types';

const PLACEHOLDER = /\{\{(authorization|key)\}\}/g;

/** The script with its placeholders filled from the request's Authorization header (itself when it has none). */
export function withEchoes(script: SimScript, authorization: string): SimScript {
  const key = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() ?? '';
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(PLACEHOLDER, (_, name: string) => (name === 'key' ? key : authorization));
    if (Array.isArray(value)) return value.map(fill);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, fill(inner)]));
    return value;
  };
  return JSON.stringify(script).includes('{{') ? fill(script) as SimScript : script;
}
