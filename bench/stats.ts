/** Order statistics and number formats shared by the benchmark sections. */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples');
  return [...values].sort((a, b) => a - b);
}

export function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Nearest-rank percentile: the smallest sample with at least p% of the samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  const s = sorted(values);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1] as number;
}

export const fmt = {
  ms: (ms: number): string => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`,
  s: (s: number): string => `${s.toFixed(2)} s`,
  ratio: (r: number): string => `${r.toFixed(2)}×`,
  percent: (r: number): string => `${(r * 100).toFixed(1)} %`,
  mib: (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`,
};
