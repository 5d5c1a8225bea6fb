import * as vscode from 'vscode';
import type { Logger } from '../core/common/logger';

/**
 * The "Reasoner" log (a LogOutputChannel: levels the user sets with
 * "Developer: Set Log Level"). Every line passes through `redact`, so the API
 * key cannot reach the log even if a caller slips.
 */
export function createLogger(channel: vscode.LogOutputChannel, redact: (text: string) => string): Logger {
  const format = (message: string, details: unknown[]) => redact(details.length === 0
    ? message
    : `${message} ${details.map((detail) => typeof detail === 'string' ? detail : safeJson(detail)).join(' ')}`);
  // A channel closed while the window goes away throws on every write: a log line must never end a request.
  const write = (line: () => void): void => {
    try {
      line();
    } catch {
      // dropped: nobody can read it any more
    }
  };
  return {
    error: (message, ...details) => write(() => channel.error(format(message, details))),
    warn: (message, ...details) => write(() => channel.warn(format(message, details))),
    info: (message, ...details) => write(() => channel.info(format(message, details))),
    debug: (message, ...details) => write(() => {
      if (channel.logLevel <= vscode.LogLevel.Debug && channel.logLevel !== vscode.LogLevel.Off) channel.debug(format(message, details));
    }),
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
