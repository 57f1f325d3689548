/** Whether a Docker daemon answers, decided within a few seconds even when the socket hangs. */
import Dockerode from 'dockerode';

const PING_TIMEOUT_MS = 5_000;

/** A Docker section cannot measure anything: said plainly, without a stack trace. */
export class NoDaemonError extends Error {
  constructor(reason: string) {
    super(`no Docker daemon answers (${reason}); start dockerd to measure this section`);
  }
}

export type DaemonStatus = { ok: true; docker: Dockerode } | { ok: false; reason: string };

export async function checkDaemon(): Promise<DaemonStatus> {
  const docker = new Dockerode();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([docker.ping(), timeout]);
    return { ok: true, docker };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
