import Dockerode from 'dockerode';
import { DockerEnvironment } from './docker-environment.js';
import { dockerStorageNeed } from './docker-storage.js';
import { RUN_ID_LABEL, installCleanupHandlers, removeContainersByLabel } from './container-registry.js';
import { DockerUnreachableError, daemonAddress, isDaemonUnreachable } from './docker-errors.js';
import { engineIdentity, imageIdentity } from './engine-identity.js';
import { ensureImage, type ImageProgressEvent, type PullPolicy } from '../images.js';
import type { Environment } from '../environment.js';
import type { SpaceNeed } from '../../run-dir/disk-space.js';
import { NO_DIMENSION } from '../../run-dir/layout.js';
import type { EngineIdentity, ImageIdentity, SandboxProvider, SandboxRequest } from '../sandbox-provider.js';

export interface ContainerLimits {
  /** Containers get no network unless asked (grading may need it for pip installs in eval.sh). */
  network: boolean;
  memoryBytes: number;
  pidsLimit: number;
  nanoCpus?: number;
}

export interface DockerSandboxOptions {
  runId: string;
  pull: PullPolicy;
  limits: ContainerLimits;
  docker?: Dockerode;
  onPullProgress?: (image: string, event: ImageProgressEvent) => void;
}

export class DockerSandboxProvider implements SandboxProvider {
  private readonly docker: Dockerode;
  private readonly prepared = new Map<string, Promise<void>>();

  constructor(private readonly options: DockerSandboxOptions) {
    this.docker = options.docker ?? new Dockerode();
  }

  /** The daemon client, for callers that build local images (the demo) before the run. */
  get client(): Dockerode {
    return this.docker;
  }

  /** What every container of this run is limited to. */
  get limits(): ContainerLimits {
    return this.options.limits;
  }

  prepareImage(image: string): Promise<void> {
    let pending = this.prepared.get(image);
    if (!pending) {
      pending = ensureImage(this.docker, image, this.options.pull, (event) => this.options.onPullProgress?.(image, event));
      // a failed pull may succeed on the pipeline's retry
      pending.catch(() => this.prepared.delete(image));
      this.prepared.set(image, pending);
    }
    return pending;
  }

  imageIdentity(image: string): Promise<ImageIdentity | null> {
    return imageIdentity(this.docker, image);
  }

  engineIdentity(): Promise<EngineIdentity | null> {
    return engineIdentity(this.docker);
  }

  async start(request: SandboxRequest): Promise<Environment> {
    const { limits, runId } = this.options;
    return DockerEnvironment.start({
      docker: this.docker,
      image: request.image,
      name: containerName(request, runId),
      labels: {
        [RUN_ID_LABEL]: runId,
        'sera-eval.instance-id': request.cell.instanceId,
        'sera-eval.purpose': request.purpose,
      },
      network: limits.network,
      memoryBytes: limits.memoryBytes,
      pidsLimit: limits.pidsLimit,
      ...(limits.nanoCpus === undefined ? {} : { nanoCpus: limits.nanoCpus }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  }

  /** The first daemon call of a run, so a missing daemon is named here. @throws DockerUnreachableError */
  async removeLeftovers(): Promise<number> {
    try {
      return await removeContainersByLabel(this.docker, this.options.runId);
    } catch (err) {
      if (isDaemonUnreachable(err)) throw new DockerUnreachableError(daemonAddress(this.docker), { cause: err });
      throw err;
    }
  }

  storageNeed(images: readonly string[], containersAtOnce: number): Promise<SpaceNeed | null> {
    return dockerStorageNeed(this.docker, images, containersAtOnce);
  }

  installCleanup(options: { reraise: boolean }): () => void {
    return installCleanupHandlers(options);
  }
}

/** `sweb.eval.<id>.<run_id>` as the official harness names it, plus what makes a cell's attempt unique. */
function containerName(request: SandboxRequest, runId: string): string {
  const { cell } = request;
  const dims = [cell.context, cell.seed].filter((d) => d !== NO_DIMENSION).map((d) => d.replace(/[^a-zA-Z0-9_.-]/g, '_'));
  const prefix = request.purpose === 'grading' ? 'sweb.eval' : 'sera.rollout';
  return [prefix, cell.instanceId.toLowerCase(), runId, ...dims, `a${request.attempt}`].join('.');
}
