/**
 * What a webview really shows, for the integration suite: the extension host
 * cannot see into a webview, but the browser that runs the workbench can. The
 * runner serves this on 127.0.0.1 and names it to the extension host in
 * REASONER_TEST_WEBVIEW_READER; test/integration/webviewDom.ts asks it.
 *
 * POST {"selector": "..."} answers with the trimmed text of each element the
 * selector matches, in the first frame that holds one (waiting for one to appear).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { findFrame } from './workbench';

export interface WebviewReader {
  readonly url: string;
  /** The workbench's page, once the browser has it; requests before then fail. */
  attach(page: Page): void;
  close(): Promise<void>;
}

const WAIT_MS = 20_000;

/** Listens at once, so that its address can go into the extension host's environment before the workbench opens. */
export async function startWebviewReader(): Promise<WebviewReader> {
  let page: Page | undefined;
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { body += chunk; });
    request.on('end', () => {
      void read(page, body).then(
        (texts) => { response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(texts)); },
        (error: unknown) => { response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error)); },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    attach: (workbench) => { page = workbench; },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function read(page: Page | undefined, body: string): Promise<string[]> {
  if (!page) throw new Error('the workbench page is not open yet');
  const { selector } = JSON.parse(body) as { selector?: unknown };
  if (typeof selector !== 'string' || !selector) throw new Error('expected {"selector": "..."}');
  const frame = await findFrame(page, selector, WAIT_MS);
  const texts = await frame.locator(selector).allTextContents();
  return texts.map((text) => text.trim());
}
