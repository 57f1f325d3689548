import Dockerode from 'dockerode';
import { DockerEnvironment } from './docker-environment.js';
import { dockerStorageNeed } from './docker-storage.js';
import { RUN_DIR_LABEL, RUN_ID_LABEL, RUN_KEY_LABEL, installCleanupHandlers, removeContainersByRunKey } from './container-registry.js';
import { DockerUnreachableError, daemonAddress, isDaemonUnreachable } from './docker-errors.js';
import { engineIdentity, imageIdentity } from './engine-identity.js';
import { ensureImage, type ImageProgressEvent, type PullPolicy } from '../images.js';
import type { Environment } from '../environment.js';
import type { SpaceNeed } from '../../run-dir/disk-space.js';
import { NO_DIMENSION } from '../../run-dir/layout.js';
import type { EngineIdentity, ImageIdentity, SandboxProvider, SandboxRequest } from '../sandbox-provider.js';
import { runKey, type SandboxRun } from '../run-key.js';

export interface ContainerLimits {
  /** Containers get no network unless asked (grading may need it for pip installs in eval.sh). */
  network: boolean;
  memoryBytes: number;
  pidsLimit: number;
  nanoCpus?: number;
}

export interface DockerSandboxOptions {
  /** The run the containers belong to: labelled with it, and leftovers are removed by it. */
  run: SandboxRun;
  pull: PullPolicy;
  limits: ContainerLimits;
  docker?: Dockerode;
  onPullProgress?: (image: string, event: ImageProgressEvent) => void;
}

export class DockerSandboxProvider implements SandboxProvider {
  private readonly docker: Dockerode;
  private readonly prepared = new Map<string, Promise<void>>();
  private readonly identities = new Map<string, Promise<ImageIdentity | null>>();
  private readonly runKey: string;
  /** Set once a container of this provider was inspected with its limits applied: the engine, not the container, decides that. */
  private limitsConfirmed = false;

  constructor(private readonly options: DockerSandboxOptions) {
    this.docker = options.docker ?? new Dockerode();
    this.runKey = runKey(options.run);
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

  /**
   * Asked after every prepareImage (the image ledger), so once per image per run: prepareImage pulls
   * an image at most once per run, so its identity cannot change under the run's own policy.
   */
  imageIdentity(image: string): Promise<ImageIdentity | null> {
    let known = this.identities.get(image);
    if (!known) {
      known = imageIdentity(this.docker, image);
      // an engine that did not answer may answer next time
      void known.then((identity) => identity ?? this.identities.delete(image));
      this.identities.set(image, known);
    }
    return known;
  }

  engineIdentity(): Promise<EngineIdentity | null> {
    return engineIdentity(this.docker);
  }

  async start(request: SandboxRequest): Promise<Environment> {
    const { limits, run } = this.options;
    const checkLimits = !this.limitsConfirmed;
    const environment = await DockerEnvironment.start({
      docker: this.docker,
      image: request.image,
      name: containerName(request, run.id, this.runKey),
      labels: {
        [RUN_ID_LABEL]: run.id,
        [RUN_DIR_LABEL]: run.dir,
        [RUN_KEY_LABEL]: this.runKey,
        'sera-eval.instance-id': request.cell.instanceId,
        'sera-eval.purpose': request.purpose,
      },
      network: limits.network,
      memoryBytes: limits.memoryBytes,
      pidsLimit: limits.pidsLimit,
      ...(limits.nanoCpus === undefined ? {} : { nanoCpus: limits.nanoCpus }),
      checkLimits,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    if (checkLimits) this.limitsConfirmed = true;
    return environment;
  }

  /** The first daemon call of a run, so a missing daemon is named here. @throws DockerUnreachableError */
  async removeLeftovers(): Promise<number> {
    try {
      return await removeContainersByRunKey(this.docker, this.runKey);
    } catch (err) {
      if (isDaemonUnreachable(err)) throw new DockerUnreachableError(daemonAddress(this.docker), { cause: err });
      throw err;
    }
  }

  storageNeed(images: readonly string[], containersAtOnce: number): Promise<SpaceNeed | null> {
    return dockerStorageNeed(this.docker, images, containersAtOnce);
  }

  installCleanup(options: { reraise: boolean }): () => void {
    return installCleanupHandlers({ ...options, sweep: () => removeContainersByRunKey(this.docker, this.runKey) });
  }
}

/**
 * `sweb.eval.<id>.<run_id>` as the official harness names it, plus what makes a cell's attempt
 * unique on the daemon: its dimensions, attempt, and the start of the run key (the same run id may
 * be running from another directory).
 */
function containerName(request: SandboxRequest, runId: string, key: string): string {
  const { cell } = request;
  const dims = [cell.context, cell.seed].filter((d) => d !== NO_DIMENSION).map((d) => d.replace(/[^a-zA-Z0-9_.-]/g, '_'));
  const prefix = request.purpose === 'grading' ? 'sweb.eval' : 'sera.rollout';
  return [prefix, cell.instanceId.toLowerCase(), runId, ...dims, `a${request.attempt}`, key.slice(0, 8)].join('.');
}
