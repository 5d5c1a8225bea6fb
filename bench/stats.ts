/** Medians of counted runs after a warm-up, and ratios computed run by run. */

export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function figure(samples: readonly number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs: sorted.length };
}

/** Runs `once` `warmup` times uncounted, then `runs` times counted. */
export async function measure<T>(runs: number, warmup: number, once: (index: number) => Promise<T>): Promise<T[]> {
  for (let i = 0; i < warmup; i++) await once(-1 - i);
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await once(i));
  return results;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
