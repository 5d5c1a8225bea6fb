// highlight.js types its package root and its languages, but not `lib/core`, which is
// the same API without the 190 languages we do not bundle.
declare module 'highlight.js/lib/core' {
  import hljs from 'highlight.js';
  export default hljs;
}
