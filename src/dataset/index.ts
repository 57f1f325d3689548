export { SweBenchInstanceSchema, type SweBenchInstance } from './schema.js';
export { loadDataset, type LoadDatasetOptions, type LoadedDataset } from './load-dataset.js';
export { parseDatasetSource, type DatasetSource } from './dataset-source.js';
export { filterInstances, type InstanceFilters } from './filter-instances.js';
export { REPO_SHORT_NAMES, expandRepoName } from './repo-names.js';
export { parseIdList } from './parse-id-list.js';
export { loadPredictions } from './load-predictions.js';
export { closeMatches } from './close-matches.js';
