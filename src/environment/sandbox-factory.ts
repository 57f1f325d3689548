import type { z } from 'zod';
import type { ImageProgressEvent } from './images.js';
import type { SandboxRun } from './run-key.js';
import type { SandboxProvider } from './sandbox-provider.js';

/** Limits every container-like backend understands; the CLI's --network/--memory/--pids/--pull. */
export interface ContainerSettings {
  pull: 'missing' | 'always' | 'never';
  network: boolean;
  memoryBytes: number;
  pidsLimit: number;
  /** CPUs per container (`--cpus`, else the cores shared among the grading workers). */
  cpus: number;
  /** A Docker-API engine's socket (`--docker-host`, Docker or podman); backends without one ignore it. */
  dockerHost?: string;
}

export interface SandboxHooks {
  /** Image pulls in progress, for a progress display. */
  onImageProgress?: (image: string, event: ImageProgressEvent) => void;
}

/**
 * A sandbox backend as a plugin: `--sandbox <name>` picks it from the registry, its config is
 * validated by `configSchema` and recorded in run.json.
 */
export interface SandboxFactory<Config = unknown> {
  readonly name: string;
  readonly description: string;
  readonly configSchema: z.ZodType<Config>;
  /** The backend's config for the shared container flags, when it honours them. */
  fromContainerSettings?(settings: ContainerSettings): Partial<Config>;
  /** `run`: the run whose environments these are; a backend labels them with runKey(run) to find its leftovers. */
  create(run: SandboxRun, config: Config, hooks?: SandboxHooks): SandboxProvider;
}

/** The identity helper that keeps a factory's config type checked against its schema. */
export function defineSandbox<Config>(factory: SandboxFactory<Config>): SandboxFactory<Config> {
  return factory;
}
