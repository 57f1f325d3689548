/** Making sure an image is there: pulled per policy, progress reported, failures named. */
import { InfrastructureError, errorMessage } from '../errors.js';
import type { DockerClient, ImageProgressEvent } from './docker/image-store.js';
import { hasImage, pullImage } from './docker/image-store.js';

export type { ImageProgressEvent } from './docker/image-store.js';

export type PullPolicy = 'missing' | 'always' | 'never';

/**
 * Make `name` available locally. 'missing' uses a local image as is and pulls otherwise,
 * 'always' pulls (falling back to a local copy if the pull fails), 'never' only looks.
 * @throws InfrastructureError code 'image_unavailable', naming the image tried
 */
export async function ensureImage(docker: DockerClient, name: string, policy: PullPolicy, onProgress?: (event: ImageProgressEvent) => void): Promise<void> {
  const local = await hasImage(docker, name);
  if (local && policy !== 'always') return;
  if (policy === 'never') {
    throw new InfrastructureError('image_unavailable', `image ${name} is not available locally and the pull policy is "never"`);
  }
  try {
    await pullImage(docker, name, onProgress);
  } catch (err) {
    if (local) return;
    throw new InfrastructureError('image_unavailable', `image ${name} is not available locally and could not be pulled: ${errorMessage(err)}`, { cause: err });
  }
}
