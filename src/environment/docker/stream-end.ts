/**
 * Calls `listener` once when a container stream ends, closes or errors, whichever comes first:
 * a hijacked exec stream may emit any of the three, and some of them twice.
 */
import type { Duplex } from 'node:stream';

export function onStreamEnd(stream: Duplex, listener: () => void): void {
  let ended = false;
  const once = (): void => {
    if (ended) return;
    ended = true;
    listener();
  };
  stream.on('end', once);
  stream.on('close', once);
  stream.on('error', once);
}
