/**
 * The `.reasonerignore` matcher, as a file of its own (dist/ignore.js): it is needed only when precise context
 * gathers definitions, so activation does not load it.
 */
export { default as ignore } from 'ignore';
