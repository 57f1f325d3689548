/**
 * A one-node Slurm for the shard-worker test, brought up by `scripts/ensure-system.sh slurm` the
 * way Docker is: CI (CI=true) fails without it instead of skipping.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const PID_FILES = ['/run/slurmd.pid', '/run/slurmctld.pid', '/run/munge/munged.pid'];
/** ensure-system.sh writes this log path into the slurm.conf it generates: a cluster that is not ours is never stopped. */
const OUR_CONF_MARK = 'sera-eval-slurmctld.log';

export function requireSlurm(): { available: boolean } {
  const setup = spawnSync('bash', ['scripts/ensure-system.sh', 'slurm'], { encoding: 'utf8' });
  if (setup.status === 0) return { available: true };
  const reason = `${setup.stdout}${setup.stderr}`.trim();
  if (process.env.CI === 'true') throw new Error(`CI=true but no one-node Slurm could be started: ${reason}`);
  console.warn(`Skipping the Slurm test: ${reason}`);
  return { available: false };
}

/** Stop munged, slurmctld and slurmd by their pid files, if ensure-system.sh configured them. */
export async function stopOurSlurm(): Promise<void> {
  const conf = '/etc/slurm/slurm.conf';
  if (!existsSync(conf) || !readFileSync(conf, 'utf8').includes(OUR_CONF_MARK)) return;
  const pids = PID_FILES.filter((f) => existsSync(f)).map((f) => Number(readFileSync(f, 'utf8').trim())).filter((pid) => pid > 0);
  for (const pid of pids) signal(pid, 'SIGTERM');
  for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
