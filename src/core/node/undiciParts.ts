/**
 * The parts of undici the client uses, taken from their own modules: importing the
 * package's index also bundles fetch, WebSocket, EventSource, caches and mocks, about
 * 200 KB of the extension that nothing here calls.
 *
 * The extension ships this module as a file of its own (dist/undici.js), loaded the first
 * time a client connects: undici is half of the extension's code, and loading it at
 * startup would slow every window's activation for a request that may never come.
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
