/**
 * proper-lockfile, with graceful-fs under it, as a file of its own (dist/proper-lockfile.js): only the list of
 * background answers takes a lock, after activation, so activation does not load it.
 */
export { lock } from 'proper-lockfile';
