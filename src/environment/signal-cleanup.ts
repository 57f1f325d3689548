/**
 * What every sandbox does when the process is told to stop: on SIGINT, SIGTERM or SIGHUP, remove
 * what it has running, then (with `reraise`) raise the signal again so the process ends the way it
 * would have without the handler. The CLI passes `reraise: false` and turns the signal into exit 130.
 */
const CLEANUP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Installs the handlers; returns the function that uninstalls them. */
export function cleanUpOnSignals(cleanUp: () => Promise<unknown>, options: { reraise: boolean }): () => void {
  const handlers = new Map<NodeJS.Signals, () => void>();
  const uninstall = (): void => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  for (const signal of CLEANUP_SIGNALS) {
    const handler = (): void => {
      void cleanUp()
        .catch(() => undefined)
        .finally(() => {
          if (!options.reraise) return;
          uninstall();
          process.kill(process.pid, signal);
        });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return uninstall;
}
