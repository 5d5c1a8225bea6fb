/**
 * Reads what a webview shows, through the browser that runs the workbench
 * (test/harness/webviewReader.ts): the extension host has no way into a
 * webview's DOM of its own. Only the code-server runner offers this.
 */
import * as http from 'node:http';

const READER = process.env.REASONER_TEST_WEBVIEW_READER;

/** Why webview DOM checks cannot run here, or undefined when they can. */
export function webviewDomUnavailable(): string | undefined {
  return READER ? undefined : 'this runner cannot read a webview\'s DOM (only the code-server runner sets REASONER_TEST_WEBVIEW_READER)';
}

/** The trimmed text of each element `selector` matches, in the webview that holds one (waiting for it to appear). */
export function webviewTexts(selector: string): Promise<string[]> {
  if (!READER) return Promise.reject(new Error(webviewDomUnavailable()));
  const body = JSON.stringify({ selector });
  return new Promise((resolve, reject) => {
    const request = http.request(READER, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => (response.statusCode === 200
        ? resolve(JSON.parse(text) as string[])
        : reject(new Error(`reading ${selector} in a webview: ${text}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}
