/**
 * undici, loaded when it is first needed (see undiciParts.ts). Types come from the package.
 */
import type * as Undici from 'undici';
import type * as UndiciParts from './undiciParts';

export type Dispatcher = Undici.Dispatcher;
export type ResponseData = Undici.Dispatcher.ResponseData;

let parts: typeof UndiciParts | undefined;

export function undici(): typeof UndiciParts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parts ??= require('./undiciParts') as typeof UndiciParts;
  return parts;
}
