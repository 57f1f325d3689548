/**
 * Where each file of a run directory lives (DESIGN.md §4). Every stage that reads or writes a run
 * goes through these functions, so the layout is defined once.
 */
import path from 'node:path';
import { nodeFileOps, writeFileAtomic, type FileOps } from './atomic-write.js';
import { assertInsideRunDir } from './contained-path.js';

/** One unit of work: an instance at a context length and a seed. `evaluate` uses '-' for both. */
export interface CellKey {
  instanceId: string;
  context: string;
  seed: string;
}

export const NO_DIMENSION = '-';

export function cellId(cell: CellKey): string {
  return `${cell.context}/${cell.seed}/${cell.instanceId}`;
}

export class RunLayout {
  /** @param fileOps the file-system calls writes make (tests inject I/O failures here) */
  constructor(
    readonly root: string,
    private readonly fileOps: FileOps = nodeFileOps,
  ) {}

  /**
   * The one way a file of the run is written: atomically, and only inside the run directory.
   * @throws OutsideRunDirError for a path that resolves outside `root`
   * @throws OutputWriteError when the machine refuses the write (disk full, permissions, ...)
   */
  async writeFile(file: string, data: string | Buffer): Promise<void> {
    await assertInsideRunDir(this.root, file);
    await writeFileAtomic(file, data, this.fileOps);
  }

  async writeJson(file: string, value: unknown): Promise<void> {
    await this.writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** The lock file (relative to root) held by whoever writes through this layout (run-lock.ts). */
  get lockName(): string {
    return 'run.lock';
  }
  /** Whether a path under root (relative to it) is this layout's to clean up after a killed writer. */
  owns(_relativePath: string): boolean {
    return true;
  }

  get manifest(): string {
    return path.join(this.root, 'run.json');
  }
  get predictions(): string {
    return path.join(this.root, 'predictions.jsonl');
  }
  get summary(): string {
    return path.join(this.root, 'report.json');
  }
  get images(): string {
    return path.join(this.root, 'images.json');
  }
  get trajectoriesDir(): string {
    return path.join(this.root, 'trajectories');
  }
  get evaluationDir(): string {
    return path.join(this.root, 'evaluation');
  }
  trajectory(cell: CellKey): string {
    return path.join(this.trajectoriesDir, cell.context, cell.seed, `${cell.instanceId}.traj.json`);
  }
  /** The rollout's step log while it runs (trajectory-log.ts); removed once the `.traj.json` is written. */
  trajectoryLog(cell: CellKey): string {
    return path.join(this.trajectoriesDir, cell.context, cell.seed, `${cell.instanceId}.steps.jsonl`);
  }
  cellDir(cell: CellKey): string {
    return path.join(this.evaluationDir, cell.context, cell.seed, cell.instanceId);
  }
  patch(cell: CellKey): string {
    return path.join(this.cellDir(cell), 'patch.diff');
  }
  evalScript(cell: CellKey): string {
    return path.join(this.cellDir(cell), 'eval.sh');
  }
  testOutput(cell: CellKey): string {
    return path.join(this.cellDir(cell), 'test_output.txt');
  }
  instanceReport(cell: CellKey): string {
    return path.join(this.cellDir(cell), 'report.json');
  }
  /** The rollout's summary for reports (cell-summary.ts), written when the cell finishes. */
  cellSummary(cell: CellKey): string {
    return path.join(this.cellDir(cell), 'cell.json');
  }
}
