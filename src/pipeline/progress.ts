import { createLogUpdate } from 'log-update';

export interface ProgressCounts {
  total: number;
  done: number;
  skipped: number;
  resolved: number;
  errors: number;
  infrastructure: number;
  /** Rollout retries as the trajectories record them (model-call retries and container restarts). */
  rolloutRetries: number;
  /** Grading retries, as report.json records them (attempts − 1). */
  gradingRetries: number;
  running: number;
  completionTokens: number;
  steps: number;
  rollouts: number;
}

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
}

/**
 * The progress of a long run on stderr: one live line on a terminal, a plain line per finished
 * cell otherwise (CI logs). Reports go to stdout, so progress never mixes into them.
 */
export class Progress {
  private readonly counts: ProgressCounts;
  private readonly startedAt = Date.now();
  private readonly live: ReturnType<typeof createLogUpdate> | null;
  private timer: NodeJS.Timeout | null = null;
  /** Done/total per context, for runs that have more than one. */
  private readonly groups = new Map<string, { done: number; total: number }>();

  constructor(
    private readonly label: string,
    total: number,
    private readonly sink: ProgressSink,
  ) {
    this.counts = { total, done: 0, skipped: 0, resolved: 0, errors: 0, infrastructure: 0, rolloutRetries: 0, gradingRetries: 0, running: 0, completionTokens: 0, steps: 0, rollouts: 0 };
    this.live = sink.isTTY ? createLogUpdate(sink as unknown as NodeJS.WritableStream, { showCursor: true }) : null;
    if (this.live) this.timer = setInterval(() => this.render(), 1000).unref();
  }

  started(): void {
    this.counts.running++;
    this.render();
  }

  /** A grading attempt failed on infrastructure and is tried again. */
  retried(): void {
    this.counts.gradingRetries++;
  }

  /** A cell group (a context length) and how many cells it has. */
  group(name: string, total: number): void {
    this.groups.set(name, { done: 0, total });
  }

  rolloutFinished(stats: { completion_tokens: number; model_calls: number; infrastructure_retries: number }): void {
    this.counts.rolloutRetries += stats.infrastructure_retries;
    this.counts.completionTokens += stats.completion_tokens;
    this.counts.steps += stats.model_calls;
    this.counts.rollouts++;
  }

  /**
   * A started cell ended. `resumed`: its results came from an earlier run, so it says nothing about
   * how long the rest will take (ETA) and no line is printed for it.
   */
  finished(outcome: string, line: string, options: { resumed?: boolean; group?: string } = {}): void {
    const { resumed = false, group } = options;
    this.counts.running = Math.max(0, this.counts.running - 1);
    this.counts.done++;
    if (resumed) this.counts.skipped++;
    const g = group === undefined ? undefined : this.groups.get(group);
    if (g) g.done++;
    if (outcome === 'resolved') this.counts.resolved++;
    if (outcome === 'error') this.counts.errors++;
    if (outcome === 'infrastructure') this.counts.infrastructure++;
    if (!this.live && !resumed) this.sink.write(`[${this.counts.done}/${this.counts.total}] ${line}\n`);
    this.render();
  }

  summaryLine(): string {
    const c = this.counts;
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const fresh = c.done - c.skipped;
    const eta = fresh > 0 && c.done < c.total ? ((elapsed / fresh) * (c.total - c.done)) : null;
    const tps = c.completionTokens > 0 ? ` | ${(c.completionTokens / Math.max(elapsed, 1)).toFixed(0)} tok/s` : '';
    const steps = c.rollouts > 0 ? ` | ${(c.steps / c.rollouts).toFixed(1)} steps/rollout` : '';
    const groups = this.groups.size > 1 ? ` [${[...this.groups].map(([name, g]) => `${name} ${g.done}/${g.total}`).join(', ')}]` : '';
    return (
      `${this.label}: ${c.done}/${c.total} done${groups} (${c.skipped} resumed) | running ${c.running} | resolved ${c.resolved}${steps}` +
      ` | errors ${c.errors} | infrastructure ${c.infrastructure} | retries ${c.rolloutRetries + c.gradingRetries}` +
      ` (rollouts ${c.rolloutRetries}, grading ${c.gradingRetries})${tps}` +
      ` | elapsed ${formatDuration(elapsed)}${eta === null ? '' : ` | ETA ${formatDuration(eta)}`}`
    );
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.live) {
      this.live(this.summaryLine());
      this.live.done();
    } else {
      this.sink.write(`${this.summaryLine()}\n`);
    }
  }

  private render(): void {
    this.live?.(this.summaryLine());
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
