/**
 * Whether the kernel OOM-killed a process in a sandbox since the last look. Exit 137 alone cannot
 * tell an OOM kill from a plain `kill -9`, and the engine's OOMKilled flag (Docker's State, the
 * pod's container status) only turns true when the container itself dies; a killed child of a
 * running container shows only in its memory cgroup's counter (v1 memory.oom_control, v2
 * memory.events).
 */
const OOM_PROBE = ['sh', '-c', 'cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null'];

export class OomKillCounter {
  private seen = 0;

  /** @param run runs argv in the sandbox and gives its output */
  constructor(private readonly run: (argv: string[]) => Promise<string>) {}

  async sawNewKill(): Promise<boolean> {
    const count = Number(/oom_kill (\d+)/.exec(await this.run(OOM_PROBE))?.[1] ?? 0);
    if (count <= this.seen) return false;
    this.seen = count;
    return true;
  }
}
