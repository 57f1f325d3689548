/** Looking up, pulling, importing and building images through the daemon's API. */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { daemonMessage, isNotFound, withDaemonRetry } from './docker-errors.js';

export type DockerClient = Dockerode;

/** One line of the daemon's JSON progress stream (pull, build, import). */
export interface ImageProgressEvent {
  status?: string;
  id?: string;
  progress?: string;
  stream?: string;
  error?: string;
}

export async function hasImage(docker: Dockerode, name: string): Promise<boolean> {
  return (await imageLabels(docker, name)) !== undefined;
}

/** The image's labels, or undefined when there is no such image. */
export async function imageLabels(docker: Dockerode, name: string): Promise<Record<string, string> | undefined> {
  try {
    const info = await withDaemonRetry(`inspecting image ${name}`, () => docker.getImage(name).inspect());
    return info.Config?.Labels ?? {};
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export async function pullImage(docker: Dockerode, name: string, onProgress?: (event: ImageProgressEvent) => void): Promise<void> {
  const stream = (await docker.pull(name)) as Readable;
  await followProgress(docker, stream, onProgress);
}

/** Build from a tar context (a Buffer or a stream of an uncompressed or gzipped tar). */
export async function buildImage(
  docker: Dockerode,
  context: Buffer | Readable,
  options: { tag: string; labels: Record<string, string>; onProgress?: (event: ImageProgressEvent) => void },
): Promise<void> {
  const stream = (await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: options.tag,
    labels: options.labels,
    rm: true,
    forcerm: true,
  })) as Readable;
  await followProgress(docker, stream, options.onProgress);
}

/** `docker import`: a root filesystem tarball becomes an image. */
export async function importImage(
  docker: Dockerode,
  tarball: Readable,
  options: { repo: string; tag: string; onProgress?: (event: ImageProgressEvent) => void },
): Promise<void> {
  const stream = (await docker.importImage(tarball as unknown as NodeJS.ReadableStream, { repo: options.repo, tag: options.tag })) as Readable;
  let imported: string | undefined;
  await followProgress(docker, stream, (event) => {
    if (event.status && IMAGE_ID.test(event.status.trim())) imported = event.status.trim();
    options.onProgress?.(event);
  });
  // podman 4.3's compat import reads `repo` but not `tag` (pkg/api/handlers/compat/images.go,
  // CreateImageFromSrc) and names the image REPO:latest; tagging the id it reports names it on both.
  if (imported) await withDaemonRetry(`tagging ${imported}`, () => docker.getImage(imported!).tag({ repo: options.repo, tag: options.tag }));
}

/** The last progress line of an import is the new image's id. */
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/** The daemon reports a failed pull or build as an `error` line in a 200 response, not as a status. */
function followProgress(docker: Dockerode, stream: Readable, onProgress?: (event: ImageProgressEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err) reject(new Error(daemonMessage(err), { cause: err }));
        else if (failure) reject(new Error(failure));
        else resolve();
      },
      (event: ImageProgressEvent) => {
        if (event.error) failure ??= event.error;
        onProgress?.(event);
      },
    );
  });
}
