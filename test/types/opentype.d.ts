// The few parts of opentype.js the unit tests read (the package ships no types).
declare module 'opentype.js' {
  export interface Glyph {
    index: number;
    path: { commands: unknown[] };
  }
  export interface Font {
    charToGlyph(char: string): Glyph;
    tables: { cmap: { glyphIndexMap: Record<string, number> } };
  }
  export function parse(buffer: ArrayBuffer): Font;
}
