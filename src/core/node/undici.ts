/**
 * The parts of undici the client uses, taken from their own modules: importing the
 * package's index also bundles fetch, WebSocket, EventSource, caches and mocks, about
 * 200 KB of the extension that nothing here calls. Types still come from the package.
 */
import type * as Undici from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js') as typeof Undici.ProxyAgent;
// What the package index does: every dispatcher gets request, connect, stream, pipeline and upgrade
// (ProxyAgent opens its tunnels with `connect`).
const DispatcherClass = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(DispatcherClass.prototype, require('undici/lib/api/index.js') as object);
/* eslint-enable @typescript-eslint/no-require-imports */

export type Dispatcher = Undici.Dispatcher;
export type ResponseData = Undici.Dispatcher.ResponseData;
