/** Which rows a run covers: its benchmark's dataset, loaded and filtered once. */
import type { Benchmark } from '../benchmarks/benchmark.js';
import { benchmarkFor, resolveDatasetAlias } from '../benchmarks/benchmarks.js';
import { filterInstances, loadDataset, type InstanceFilters, type LoadedDataset } from '../dataset/index.js';
import type { SweBenchInstance } from '../dataset/schema.js';
import type { UnplannedSpec } from './instance-plans.js';
import { packagePath } from './versions.js';

export interface SelectionRequest {
  /** A registered benchmark's name; absent: the one whose dataset `dataset` names, else swe-bench. */
  benchmark?: string;
  /** A dataset alias of the benchmark, a Hub id or a file; absent: the benchmark's default. */
  dataset?: string;
  filters: InstanceFilters;
}

export interface Selection {
  benchmark: Benchmark;
  dataset: LoadedDataset;
  instances: SweBenchInstance[];
  filters: InstanceFilters;
}

export function datasetCacheDir(): string {
  return process.env.SERA_EVAL_CACHE ?? packagePath('datasets', 'cache');
}

export async function selectInstances(request: SelectionRequest): Promise<Selection> {
  const benchmark = benchmarkFor(request.benchmark, request.dataset);
  const source = resolveDatasetAlias(benchmark, request.dataset ?? benchmark.defaultDataset);
  const dataset = await loadDataset(source, { cacheDir: datasetCacheDir(), rowSchema: benchmark.rowSchema });
  return { benchmark, dataset, instances: filterInstances(dataset.rows, request.filters), filters: request.filters };
}

/** The spec's benchmark section for a selection (the planned instances are added by the pipeline). */
export function benchmarkSection(selection: Selection, settings: { skipUnsupported: boolean; imageTemplate: string }): UnplannedSpec['benchmark'] {
  return {
    name: selection.benchmark.name,
    dataset: { source: selection.dataset.source, sha256: selection.dataset.sha256, revision: null, rows: selection.dataset.rows.length },
    filters: { ...selection.filters },
    skip_unsupported: settings.skipUnsupported,
    image_template: settings.imageTemplate,
  };
}
