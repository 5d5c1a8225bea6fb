/** Medians of counted runs after a warm-up, and ratios computed run by run. */

export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The middle half of the samples lies between these (the spread, without the outliers). */
  readonly p25: number;
  readonly p75: number;
  readonly p95: number;
  readonly runs: number;
}

/** The `q` quantile of sorted samples, interpolated between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export function figure(samples: readonly number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, p25: Number.NaN, p75: Number.NaN, p95: Number.NaN, runs: 0 };
  return {
    median: quantile(sorted, 0.5), min: sorted[0]!, max: sorted.at(-1)!,
    p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75), p95: quantile(sorted, 0.95), runs: sorted.length,
  };
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
