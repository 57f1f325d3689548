/**
 * An engine can accept a container's limits and not apply them: rootless podman on a cgroup v1
 * host drops memory, pids and CPU limits with only a warning that the Docker API's create response
 * carries and dockerode discards ("Resource limits are not supported and ignored on cgroups V1
 * rootless systems", podman pkg/specgen/generate/validate.go). A rollout without its limits could
 * take the host down, so such a container is refused.
 */
import type Dockerode from 'dockerode';
import { InfrastructureError } from '../../errors.js';

export interface RequestedLimits {
  memoryBytes?: number | undefined;
  pidsLimit?: number | undefined;
  nanoCpus?: number | undefined;
}

/** @throws InfrastructureError 'limits_not_enforced' naming each limit the engine did not apply */
export function assertLimitsApplied(name: string, requested: RequestedLimits, applied: Dockerode.HostConfig): void {
  const dropped = [
    ['memory', requested.memoryBytes, applied.Memory],
    ['pids', requested.pidsLimit, applied.PidsLimit],
    ['CPU (NanoCpus)', requested.nanoCpus, applied.NanoCpus],
  ]
    .filter(([, want, got]) => want !== undefined && want !== got)
    .map(([what, want, got]) => `${what} ${want} (engine has ${got ?? 'none'})`);
  if (dropped.length === 0) return;
  throw new InfrastructureError(
    'limits_not_enforced',
    `container ${name}: the engine accepted but did not apply its limits: ${dropped.join(', ')}. ` +
      'Rootless podman cannot enforce limits on a cgroup v1 host; use rootful podman, Docker, or a host with cgroup v2.',
  );
}
