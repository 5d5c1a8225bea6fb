import * as vscode from 'vscode';
import type { Logger } from '../../core/common/logger';

/**
 * Links in answers open in the browser, and only http(s) ones: a page renders
 * model output, so a `command:`, `file:` or `vscode:` link is refused and logged.
 * `pageName` says in the log which page asked.
 */
export async function openWebLink(href: string, log: Logger, pageName: string): Promise<boolean> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(href, true);
  } catch {
    return false;
  }
  if (uri.scheme !== 'http' && uri.scheme !== 'https') {
    log.warn(`${pageName}: refused to open a ${uri.scheme}: link from an answer.`);
    return false;
  }
  return vscode.env.openExternal(uri);
}
