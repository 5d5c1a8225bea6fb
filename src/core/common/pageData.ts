/**
 * Data a page of ours is created with, so that it can draw at once instead of
 * asking the host for it: a JSON data block in the page's HTML
 * (`<script type="application/json">`, which is never executed and needs no
 * nonce), read by the page's script with JSON.parse.
 *
 * The data holds text we did not write (conversation titles, answers). In the
 * block, every `<`, `>` and `&` is written as a JSON escape, and so are U+2028
 * and U+2029: no text can close the element, open a comment or become markup,
 * and JSON.parse gives back exactly what was embedded.
 */

/** The id of the data block in the page. */
export const PAGE_DATA_ID = 'page-data';

const UNSAFE_IN_HTML = /[<>&\u2028\u2029]/g;

/** `value` as JSON that can stand between `<script type="application/json">` and `</script>`. */
export function embeddedJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_HTML, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The whole data block, to put in the page's body before its script. */
export function pageDataBlock(value: unknown): string {
  return `<script type="application/json" id="${PAGE_DATA_ID}">${embeddedJson(value)}</script>`;
}
