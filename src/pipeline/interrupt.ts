/**
 * Ctrl-C handling: the first SIGINT/SIGTERM aborts the run's signal so every model and Docker call
 * winds down and containers are removed in their `finally`; a second one exits at once (the
 * environment's own signal handlers still remove live containers).
 */
import { setMaxListeners } from 'node:events';

export interface InterruptScope {
  signal: AbortSignal;
  dispose(): void;
}

export function onInterrupt(notify: (message: string) => void): InterruptScope {
  const controller = new AbortController();
  // every in-flight Docker and model call listens on this one signal
  setMaxListeners(0, controller.signal);
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      notify(`\n${sig}: stopping; finished cells are kept, run the same command again to resume (Ctrl-C again to quit now)`);
      controller.abort(new Error(`interrupted by ${sig}`));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
