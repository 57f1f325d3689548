/** The benchmarks `--benchmark` chooses from; register a plugin's with `benchmarks.register`. */
import path from 'node:path';
import { Registry } from '../registry.js';
import type { Benchmark } from './benchmark.js';
import { demoBenchmark } from './demo/demo.js';
import { sweBench } from './swe-bench/swe-bench.js';

export const benchmarks = new Registry<Benchmark>('benchmark');
benchmarks.register(sweBench);
benchmarks.register(demoBenchmark);

const DEFAULT_BENCHMARK = sweBench.name;

/**
 * The benchmark `--benchmark` names, or else the one whose aliases name `--dataset` (as an alias or
 * the file an alias stands for), or else SWE-bench.
 */
export function benchmarkFor(name: string | undefined, dataset: string | undefined): Benchmark {
  if (name !== undefined) return benchmarks.get(name);
  if (dataset !== undefined) {
    const [alias] = dataset.split(':', 1);
    for (const benchmarkName of benchmarks.names()) {
      const candidate = benchmarks.get(benchmarkName);
      const targets = Object.values(candidate.datasetAliases).map((t) => path.resolve(t));
      if ((alias !== undefined && Object.hasOwn(candidate.datasetAliases, alias)) || targets.includes(path.resolve(dataset))) return candidate;
    }
  }
  return benchmarks.get(DEFAULT_BENCHMARK);
}

/** `lite:dev` → `princeton-nlp/SWE-bench_Lite:dev`; anything that is not an alias stays as given. */
export function resolveDatasetAlias(benchmark: Benchmark, dataset: string): string {
  const [alias, split] = dataset.split(':', 2);
  const target = alias === undefined || !Object.hasOwn(benchmark.datasetAliases, alias) ? undefined : benchmark.datasetAliases[alias];
  if (target === undefined) return dataset;
  return split === undefined ? target : `${target}:${split}`;
}
