/**
 * Which image a SWE-bench instance runs in. Names follow the official harness
 * (swebench-harness.md §2.1) and SWE-agent (sera-agent.md §1.8).
 */
import { InputError } from '../../errors.js';

/** Named templates accepted by `--image-template`; anything else must contain `{id}`. */
export const IMAGE_TEMPLATE_PRESETS = {
  /** The official prebuilt images on Docker Hub. */
  swebench: 'swebench/sweb.eval.x86_64.{id}:latest',
  /** Epoch AI's rebuilt images on GitHub's registry. */
  epoch: 'ghcr.io/epoch-research/swe-bench.eval.x86_64.{id}:latest',
  /** Images built locally by the official harness (`prepare_images.py` with no namespace). */
  local: 'sweb.eval.x86_64.{id}:latest',
} as const;

/** A preset name, or a template containing `{id}`. @throws InputError */
export function resolveImageTemplate(templateOrPreset: string): string {
  if (Object.hasOwn(IMAGE_TEMPLATE_PRESETS, templateOrPreset)) {
    return IMAGE_TEMPLATE_PRESETS[templateOrPreset as keyof typeof IMAGE_TEMPLATE_PRESETS];
  }
  if (!templateOrPreset.includes('{id}')) {
    const presets = Object.keys(IMAGE_TEMPLATE_PRESETS).join(', ');
    throw new InputError(`--image-template: expected one of ${presets} or a template containing {id}, got "${templateOrPreset}"`);
  }
  return templateOrPreset;
}

/**
 * The image for one instance: the row's own `image_name` (or SWE-bench 5.x `image`) when it has one, else the template with
 * `{id}` replaced by the lowercased instance id. Docker Hub forbids `__` in repository names, so
 * for a Docker Hub name with a namespace (no registry host) every `__` becomes `_1776_`, as the
 * official harness and SWE-agent write it; other registries and local names keep `__`.
 */
export function imageNameFor(
  instance: { instance_id: string; image_name?: string | undefined; image?: string | undefined },
  templateOrPreset: string = 'swebench',
): string {
  const own = instance.image_name ?? instance.image;
  if (own) return own;
  const name = resolveImageTemplate(templateOrPreset).replaceAll('{id}', instance.instance_id).toLowerCase();
  return isDockerHubNamespaced(name) ? name.replaceAll('__', '_1776_') : name;
}

function isDockerHubNamespaced(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash === -1) return false;
  const first = name.slice(0, slash);
  const isRegistryHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return !isRegistryHost || first === 'docker.io';
}
