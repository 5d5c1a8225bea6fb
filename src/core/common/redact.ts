/** Replace every occurrence of a secret in a string (used on everything that reaches a logger or a message). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}
