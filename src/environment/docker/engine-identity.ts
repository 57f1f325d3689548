/**
 * What the run card records about the container engine and the images it ran: `GET /version` and
 * `GET /images/{name}/json`. Both are facts for a reader, never a reason to stop a run, so a daemon
 * that does not answer gives null.
 */
import type Dockerode from 'dockerode';
import { z } from 'zod';
import type { EngineIdentity, ImageIdentity } from '../sandbox-provider.js';

const InspectSchema = z.object({ Id: z.string(), RepoDigests: z.array(z.string()).nullish() });

const VersionSchema = z.object({
  Version: z.string(),
  ApiVersion: z.string().nullish(),
  Components: z.array(z.object({ Name: z.string(), Version: z.string() })).nullish(),
});

export async function imageIdentity(docker: Dockerode, name: string): Promise<ImageIdentity | null> {
  try {
    const parsed = InspectSchema.safeParse(await docker.getImage(name).inspect());
    if (!parsed.success) return null;
    return { id: parsed.data.Id, repoDigest: repoDigestFor(name, parsed.data.RepoDigests ?? []) };
  } catch {
    return null;
  }
}

/**
 * The digest of the repository `name` was pulled from. An image can carry digests of several
 * repositories (retagged, pulled under two names); podman writes Docker Hub names in full
 * (docker.io/…), Docker does not, so repositories are compared without that prefix.
 */
export function repoDigestFor(name: string, repoDigests: readonly string[]): string | null {
  const wanted = normalizedRepository(withoutTagOrDigest(name));
  return repoDigests.find((d) => normalizedRepository(d.slice(0, d.indexOf('@'))) === wanted) ?? repoDigests[0] ?? null;
}

function withoutTagOrDigest(name: string): string {
  const at = name.indexOf('@');
  const bare = at === -1 ? name : name.slice(0, at);
  const colon = bare.lastIndexOf(':');
  return colon > bare.lastIndexOf('/') ? bare.slice(0, colon) : bare;
}

function normalizedRepository(repository: string): string {
  return repository.replace(/^docker\.io\//, '').replace(/^library\//, '');
}

/**
 * Docker's /version lists its daemon as the component "Engine"; podman's compat API lists
 * "Podman Engine" first (pkg/api/handlers/compat/version.go, VersionHandler).
 */
export async function engineIdentity(docker: Dockerode): Promise<EngineIdentity | null> {
  try {
    const parsed = VersionSchema.safeParse(await docker.version());
    if (!parsed.success) return null;
    const { Version, ApiVersion, Components } = parsed.data;
    const podman = Components?.find((c) => /podman/i.test(c.Name));
    return podman
      ? { name: 'podman', version: podman.Version, apiVersion: ApiVersion ?? null }
      : { name: 'Docker', version: Version, apiVersion: ApiVersion ?? null };
  } catch {
    return null;
  }
}
