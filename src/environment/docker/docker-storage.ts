/**
 * What a selection adds under Docker's data root, for the disk pre-flight: the images not present
 * yet, and a writable layer for each container running at once.
 */
import { existsSync } from 'node:fs';
import type Dockerode from 'dockerode';
import { formatBytes, type SpaceNeed } from '../../run-dir/disk-space.js';

/** Size assumed for an image to pull when none of the selection's images is present to size it by. */
export const ASSUMED_IMAGE_BYTES = 2 * 1024 ** 3;
/** What a running container may write into its own layer (installs, build output, test files). */
export const CONTAINER_LAYER_BYTES = 1024 ** 3;

/**
 * @returns null when the daemon cannot be asked, or its data root is not on this machine (a remote
 *   daemon, a VM): free space there cannot be measured from here.
 */
export async function dockerStorageNeed(docker: Dockerode, images: readonly string[], containersAtOnce: number): Promise<SpaceNeed | null> {
  let root: unknown;
  let present: Dockerode.ImageInfo[];
  try {
    root = ((await docker.info()) as { DockerRootDir?: unknown }).DockerRootDir;
    present = await docker.listImages();
  } catch {
    return null;
  }
  if (typeof root !== 'string' || root === '' || !existsSync(root)) return null;
  const sizeByTag = new Map(present.flatMap((image) => (image.RepoTags ?? []).map((tag) => [tag, image.Size] as const)));
  const wanted = [...new Set(images.map(withTag))];
  const presentSizes = wanted.flatMap((image) => (sizeByTag.has(image) ? [sizeByTag.get(image)!] : []));
  const missing = wanted.length - presentSizes.length;
  const perImage = presentSizes.length > 0 ? presentSizes.reduce((a, b) => a + b, 0) / presentSizes.length : ASSUMED_IMAGE_BYTES;
  const perImageBasis = presentSizes.length > 0 ? `the mean size of the ${presentSizes.length} present` : 'assumed';
  return {
    label: "Docker's data root",
    dir: root,
    bytes: missing * perImage + containersAtOnce * CONTAINER_LAYER_BYTES,
    basis:
      `${missing} of ${wanted.length} images to pull × ${formatBytes(perImage)} (${perImageBasis}) + ` +
      `${containersAtOnce} containers at once × ${formatBytes(CONTAINER_LAYER_BYTES)} of writable layer`,
  };
}

/** `name` and `name:latest` are one image; a digest or a tag is kept as given. */
function withTag(image: string): string {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  return image.includes('@') || lastSegment.includes(':') ? image : `${image}:latest`;
}
