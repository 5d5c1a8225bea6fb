/**
 * The one logging interface every layer writes to. The host implements it on
 * VS Code's log channel (src/vscode/log.ts, with the key redacted from every
 * line); core code and tests get {@link NULL_LOGGER} or their own.
 */
export interface Logger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
}

export const NULL_LOGGER: Logger = Object.freeze({ error() {}, warn() {}, info() {}, debug() {} });
