/**
 * A fresh process's time limit is enforced inside the sandbox by coreutils `timeout`, which signals
 * the whole process group (`-k 5`: SIGKILL five seconds after SIGTERM); a host-side timer alone
 * would only stop listening and leave the process tree running. Shared by `docker exec` and the
 * pod exec websocket.
 */

/** Exit status of coreutils `timeout` when the time ran out and SIGTERM sufficed. */
const TIMEOUT_EXIT = 124;
/** 128 + SIGKILL: `timeout -k` had to kill, or the kernel's OOM killer did. */
export const SIGKILL_EXIT = 137;

/** `argv` under `timeout -k 5 <limit>s`, or as it is without a limit. */
export function underTimeout(argv: string[], timeoutS: number | undefined): string[] {
  return timeoutS === undefined ? argv : ['timeout', '-k', '5', `${timeoutS}s`, ...argv];
}

/** Whether the process was ended by its limit: it ran the whole time and exited as `timeout` makes it exit. */
export function endedByTimeout(exitCode: number, startedAtMs: number, timeoutS: number | undefined): boolean {
  const ranOutOfTime = timeoutS !== undefined && Date.now() - startedAtMs >= timeoutS * 1000;
  return ranOutOfTime && (exitCode === TIMEOUT_EXIT || exitCode === SIGKILL_EXIT);
}
