/**
 * Waiting for a fresh process's stream (a `docker exec`, a pod exec websocket) to end. The timeout
 * is enforced inside the sandbox (`timeout -k 5`); the host gives up listening only this long after
 * it should have fired, or at once when the caller aborts.
 */
const HOST_GRACE_MS = 30_000;

export interface ProcessStream {
  on(event: 'close' | 'error' | 'end', listener: () => void): unknown;
}

/** Resolves true when the host gave up waiting (the in-sandbox timeout never ended the stream). */
export function awaitProcessEnd(
  stream: ProcessStream,
  stop: () => void,
  options: { timeoutS?: number | undefined; signal?: AbortSignal | undefined },
): Promise<boolean> {
  return new Promise((resolve) => {
    let hostTimedOut = false;
    const finish = (): void => {
      clearTimeout(guard);
      options.signal?.removeEventListener('abort', finish);
      stop();
      resolve(hostTimedOut);
    };
    const guard =
      options.timeoutS === undefined
        ? undefined
        : setTimeout(() => {
            hostTimedOut = true;
            finish();
          }, options.timeoutS * 1000 + HOST_GRACE_MS);
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
    options.signal?.addEventListener('abort', finish, { once: true });
  });
}
