/**
 * vitest globalSetup for the integration lane: make the base and python images once (each is
 * cached by name and input hash, so a second run costs two image inspections).
 */
import { ensurePythonBaseImage } from '../../src/environment/local-images.js';
import { requireDocker } from './docker.js';

export default async function setup(): Promise<void> {
  const { available, docker } = await requireDocker();
  if (!available) return;
  const started = Date.now();
  await ensurePythonBaseImage(docker, (event) => {
    if (event.error) console.error(event.error);
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`integration setup: sera-eval/python-base:bookworm-conda ready in ${seconds} s`);
}
