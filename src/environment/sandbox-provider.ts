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

/** What an image name resolved to when it was used: the local image id and, for a pulled image, its registry digest. */
export interface ImageIdentity {
  /** `sha256:…`, the image's content id on this engine. */
  id: string;
  /** `repo@sha256:…` as the registry knows it; null for an image built or imported locally. */
  repoDigest: string | null;
}

/** The container engine behind the sandbox, as its /version endpoint names itself. */
export interface EngineIdentity {
  name: string;
  version: string;
  apiVersion: string | null;
}

/**
 * Where the pipeline gets its environments: Docker in production, a host directory (`local`) or
 * fakes in tests. The pipeline never sees dockerode. Made by a SandboxFactory (sandbox-factory.ts).
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
  /** What `image` is after prepareImage, for the run card; null when the engine cannot say. */
  imageIdentity?(image: string): Promise<ImageIdentity | null>;
  /** The engine running the containers, for the run card; null when it cannot say. */
  engineIdentity?(): Promise<EngineIdentity | null>;
  /** What these images and containers will take on the sandbox's disk, for the pre-flight; null when unknown. */
  storageNeed?(images: readonly string[], containersAtOnce: number): Promise<SpaceNeed | null>;
  /**
   * Remove what this backend has running when the process gets SIGINT/SIGTERM/SIGHUP; returns the
   * uninstaller. With `reraise: false` the caller turns the signal into its own exit (130).
   */
  installCleanup(options: { reraise: boolean }): () => void;
  /**
   * Facts about where the sandboxes run that run.json records next to the config (e.g. whether the
   * deny-all NetworkPolicy the pods rely on is present). Never throws: an unknown is said as such.
   */
  describe?(): Promise<Record<string, string>>;
}
