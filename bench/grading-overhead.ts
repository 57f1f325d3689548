/**
 * Grading overhead per instance: gold patches of the demo instances graded through gradeCell with
 * the Docker sandbox, one cell at a time so cells do not compete for the 2 cores. Overhead is the
 * report's total_s (container start to report written) minus tests_s (the test command itself).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { DockerSandboxProvider } from '../src/environment/docker/docker-sandbox.js';
import { demoBenchmark } from '../src/benchmarks/demo/demo.js';
import { DEMO_IMAGE_TEMPLATE } from '../src/benchmarks/demo/demo-images.js';
import { gradeCell } from '../src/pipeline/grade-cell.js';
import { RunLayout } from '../src/run-dir/layout.js';
import { demoRows, ensureDemoImages } from '../test/support/demo-fixtures.js';
import type { Section, SectionResult } from './section.js';
import { fmt, median } from './stats.js';

const GRADING = { timeoutS: 300, maxOutputBytes: 8 * 2 ** 20, attempts: 1 };
const LIMITS = { network: false, memoryBytes: 2 * 2 ** 30, pidsLimit: 1024 };

interface CellTiming {
  instanceId: string;
  totalS: number;
  testsS: number;
}

async function gradeGoldCells(docker: Dockerode, cells: number, runDir: string): Promise<CellTiming[]> {
  const rows = demoRows();
  const runId = `bench-${process.pid}-${Date.now()}`;
  const sandbox = new DockerSandboxProvider({ run: { id: runId, dir: runDir }, pull: 'never', limits: LIMITS, docker });
  const layout = new RunLayout(runDir);
  const timings: CellTiming[] = [];
  try {
    for (let i = 0; i < cells; i++) {
      const instance = rows[i % rows.length]!;
      // a distinct seed per cell, so no cell reuses an earlier report
      const cell = { instanceId: instance.instance_id, context: 'bench', seed: String(i) };
      const { entry, reused } = await gradeCell(
        { cell, patch: instance.patch, modelNameOrPath: 'gold', image: demoBenchmark.imageFor(instance, DEMO_IMAGE_TEMPLATE), plan: demoBenchmark.gradingPlan(instance) },
        { sandbox, layout, settings: GRADING },
      );
      const { outcome, timings: t, error } = entry.sera_eval;
      if (reused || outcome !== 'resolved' || t.tests_s === null) {
        throw new Error(`${instance.instance_id}: gold patch graded ${outcome}${reused ? ' (reused)' : ''}${error ? `: ${error.message}` : ''}`);
      }
      timings.push({ instanceId: instance.instance_id, totalS: t.total_s, testsS: t.tests_s });
    }
  } finally {
    await sandbox.removeLeftovers();
  }
  return timings;
}

export const gradingOverheadSection: Section = {
  title: 'Grading overhead per instance (gold patches, demo images, gradeCell + Docker, one at a time)',
  needs: 'docker',
  async run(quick, docker): Promise<SectionResult> {
    const cells = quick ? 4 : 12;
    await ensureDemoImages(docker);
    const runDir = await mkdtemp(path.join(os.tmpdir(), 'sera-eval-bench-grade-'));
    try {
      const timings = await gradeGoldCells(docker, cells, runDir);
      const overhead = median(timings.map((t) => t.totalS - t.testsS));
      const tests = median(timings.map((t) => t.testsS));
      const total = median(timings.map((t) => t.totalS));
      const maxOverhead = Math.max(...timings.map((t) => t.totalS - t.testsS));
      return {
        head: ['cells', 'median total', 'median tests', 'median overhead', 'max overhead', 'overhead / tests'],
        rows: [[String(cells), fmt.s(total), fmt.s(tests), fmt.s(overhead), fmt.s(maxOverhead), fmt.ratio(overhead / tests)]],
        notes: [
          `instances: ${[...new Set(timings.map((t) => t.instanceId))].join(', ')}; every gold patch resolved`,
          'overhead = total_s − tests_s of each report entry: image check, container create/start, patch copy and apply, eval.sh copy, log grading, container removal',
          'tests_s is the wall time of eval.sh (test-patch apply + test command), the part the official harness also pays',
        ],
      };
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  },
};
