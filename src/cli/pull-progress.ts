import type { ImageProgressEvent } from '../environment/images.js';

/**
 * Image pulls reported on stderr: one line when a pull starts, a line per layer as it finishes,
 * and one when it ends. Pulls of Verified images are large; silence would look like a hang.
 */
export function pullProgressPrinter(write: (text: string) => void): (image: string, event: ImageProgressEvent) => void {
  const started = new Set<string>();
  const layersDone = new Map<string, number>();
  return (image, event) => {
    if (!started.has(image)) {
      started.add(image);
      write(`pulling ${image}\n`);
    }
    if (event.error) write(`pull ${image}: ${event.error}\n`);
    if (event.status === 'Pull complete') {
      const done = (layersDone.get(image) ?? 0) + 1;
      layersDone.set(image, done);
      write(`pull ${image}: ${done} layer${done === 1 ? '' : 's'} done\n`);
    }
    if (event.status?.startsWith('Status: ')) write(`pull ${image}: ${event.status.slice('Status: '.length)}\n`);
  };
}
