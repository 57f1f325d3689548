import type { Environment } from './environment.js';
import type { SpaceNeed } from '../run-dir/disk-space.js';
import type { CellKey } from '../run-dir/layout.js';

export interface SandboxRequest {
  image: string;
  cell: CellKey;
  /** A rollout's container and a grading container of the same cell must not share a name. */
  purpose: 'rollout' | 'grading';
  attempt: number;
  signal?: AbortSignal;
}

/**
 * Where the pipeline gets its environments: Docker in production, fakes in unit tests. The
 * pipeline never sees dockerode.
 */
export interface SandboxProvider {
  /**
   * Make the image available (pull per policy); concurrent calls for one image share one pull.
   * @throws InfrastructureError 'image_unavailable' naming the image tried
   */
  prepareImage(image: string, signal?: AbortSignal): Promise<void>;
  /** @throws EnvironmentUnavailableError (infrastructure) when the container cannot start */
  start(request: SandboxRequest): Promise<Environment>;
  /** Remove containers a killed earlier process of this run left behind. */
  removeLeftovers(): Promise<number>;
  /** What these images and containers will take on the sandbox's disk, for the pre-flight; null when unknown. */
  storageNeed?(images: readonly string[], containersAtOnce: number): Promise<SpaceNeed | null>;
}
