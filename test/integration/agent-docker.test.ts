/**
 * The SERA agent on real Docker: scripted model turns from the fake model server, runAgent on a
 * DockerEnvironment from a demo instance image, the patch graded in a fresh container; the persistent
 * shell across tool calls, SERA's command-timeout observation, and no container left behind, also
 * when a rollout is interrupted with SIGINT.
 */
import { demoBenchmark } from '../../src/benchmarks/demo/demo.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, type AgentLimits } from '../../src/agents/sera/agent-loop.js';
import { connectModelClient } from '../../src/model/model-client.js';
import type { ReplayTurn } from '../../src/model/replay-script.js';
import { renderCommandTimeout } from '../../src/agents/sera/sera-templates.js';
import { RUN_ID_LABEL } from '../../src/environment/docker/container-registry.js';
import { DockerEnvironment } from '../../src/environment/docker/docker-environment.js';
import { imageNameFor } from '../../src/benchmarks/swe-bench/image-names.js';
import { gradeInEnvironment } from '../../src/evaluation/grade-in-environment.js';
import type { Trajectory } from '../../src/run-dir/schemas.js';
import { buildDemoImageAs, demoRow, ensureDemoImages } from '../support/demo-fixtures.js';
import { requireDocker } from '../support/docker.js';
import { startFakeModelServer, turn } from '../support/fake-model-server.js';

const docker = await requireDocker();
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const RUN_ID = `agent-docker-${process.pid}`;
const row = demoRow('sera-eval__textwrapx-14');
const image = imageNameFor(row, 'local');
const TRUNCATE = '/testbed/textwrapx/truncate.py';
/** The same instance under a name of this test's own, so it is surely built from this checkout's harness/images. */
const LAYOUT_IMAGE = 'sera-eval-test/layout-textwrapx:latest';
let containers = 0;

async function containersLabelled(runId: string): Promise<string[]> {
  const list = await docker.docker.listContainers({ all: true, filters: { label: [`${RUN_ID_LABEL}=${runId}`] } });
  return list.map((c) => c.Id);
}

function startContainer(fromImage = image): Promise<DockerEnvironment> {
  containers++;
  return DockerEnvironment.start({ docker: docker.docker, image: fromImage, name: `sera-eval-${RUN_ID}-${containers}`, labels: { [RUN_ID_LABEL]: RUN_ID } });
}

/** One rollout of `turns` on a fresh container of the textwrapx image, closed afterwards like the pipeline does. */
async function rollout(turns: ReplayTurn[], limits: Partial<AgentLimits> = {}, fromImage = image): Promise<Trajectory> {
  const server = await startFakeModelServer({ conversations: [{ match: row.problem_statement, turns }] });
  const env = await startContainer(fromImage);
  try {
    const client = await connectModelClient({ baseUrl: server.url });
    return await runAgent({
      env,
      instance: row,
      client,
      budget: {},
      sampling: { temperature: 0, topP: 1, seed: 1 },
      context: '32k',
      seed: '1',
      limits,
    });
  } finally {
    await env.close();
    await server.close();
  }
}

describe.skipIf(!docker.available)('the SERA agent on real Docker', () => {
  beforeAll(async () => {
    await ensureDemoImages(docker.docker);
  }, 600_000);

  afterAll(async () => {
    for (const id of await containersLabelled(RUN_ID)) await docker.docker.getContainer(id).remove({ force: true });
  });

  it('views, edits with str_replace and insert, runs the tests, submits twice, and the patch resolves in a fresh container', async () => {
    const allLine = '__all__ = ["DEFAULT_PLACEHOLDER", "truncate", "truncate_middle"]';
    const trajectory = await rollout([
      turn.editor({ command: 'view', path: TRUNCATE, view_range: [17, 20] }, 'Let me read truncate().'),
      turn.editor({ command: 'str_replace', path: TRUNCATE, old_str: '    if len(text) >= width:', new_str: '    if len(text) > width:' }),
      turn.editor({ command: 'insert', path: TRUNCATE, insert_line: 3, new_str: allLine }),
      turn.bash('cd /testbed && python -m pytest -q tests/test_truncate.py 2>&1 | tail -n 3'),
      turn.submit('Ready for review.'),
      turn.submit(),
    ]);

    expect(trajectory.exit_status).toBe('submitted');
    expect(trajectory.autosubmitted).toBe(false);
    const [view, replace, insert, tests, review, submitted] = trajectory.steps.map((s) => s.observation);
    expect(trajectory.steps).toHaveLength(6);
    expect(view).toBe(
      `Here's the result of running \`cat -n\` on ${TRUNCATE}:\n` +
        '    17\t    _check_width(width, placeholder)\n' +
        '    18\t    if len(text) >= width:\n' +
        '    19\t        return text[: width - len(placeholder)] + placeholder\n' +
        '    20\t    return text\n\n',
    );
    expect(replace).toContain(`The file ${TRUNCATE} has been edited. Here's the result of running \`cat -n\` on a snippet of ${TRUNCATE}:`);
    expect(replace).toContain('    18\t    if len(text) > width:');
    expect(insert).toContain(`The file ${TRUNCATE} has been edited.`);
    expect(insert).toContain(`     4\t${allLine}`);
    expect(tests).toMatch(/\d+ passed/);
    expect(review).toContain('Thank you for your work on this issue.');
    expect(review).toContain('+    if len(text) > width:');
    expect(submitted).toBe(trajectory.submission);

    expect(trajectory.submission).toContain('diff --git a/textwrapx/truncate.py b/textwrapx/truncate.py');
    expect(trajectory.submission).toContain('-    if len(text) >= width:\n+    if len(text) > width:');
    expect(trajectory.submission).toContain(`+${allLine}`);
    expect(await containersLabelled(RUN_ID)).toEqual([]);

    const fresh = await startContainer();
    try {
      const graded = await gradeInEnvironment({ env: fresh, plan: demoBenchmark.gradingPlan(row), patch: trajectory.submission, timeoutS: 300, maxOutputBytes: 8 * 1024 * 1024 });
      expect(graded.applyCommand).not.toBeNull();
      expect(graded.verdict).toEqual({ kind: 'resolved', resolution: 'RESOLVED_FULL' });
    } finally {
      await fresh.close();
    }
    expect(await containersLabelled(RUN_ID)).toEqual([]);
  }, 300_000);

  it('runs the tests in the testbed env that only /root/.bashrc activates, as SWE-agent does on SWE-bench images', async () => {
    const tests = 'cd /testbed && python -m pytest -q tests/test_truncate.py 2>&1 | tail -n 1';
    await buildDemoImageAs(docker.docker, row, LAYOUT_IMAGE);
    const trajectory = await rollout(
      [turn.bash('which python; echo "$CONDA_DEFAULT_ENV"'), turn.bash(tests), turn.submit(), turn.submit()],
      {},
      LAYOUT_IMAGE,
    );
    const [which, passed] = trajectory.steps.map((s) => s.observation);
    expect(which).toBe('/opt/miniconda3/envs/testbed/bin/python\ntestbed\n');
    expect(passed).toMatch(/^\d+ passed in [\d.]+s\n$/);

    // Without /root/.bashrc the same command meets the base interpreter first on PATH, which has no pytest.
    const fresh = await startContainer(LAYOUT_IMAGE);
    try {
      const bare = await fresh.exec(['bash', '-c', tests]);
      expect(bare.output).toBe('/opt/miniconda3/bin/python: No module named pytest\n');
      const sourced = await fresh.exec(['bash', '-c', `source /root/.bashrc && ${tests}`]);
      expect(sourced.output).toMatch(/^\d+ passed in [\d.]+s\n$/);
      const image = await fresh.exec(['bash', '-c', 'cat /root/.bashrc; env | grep -c "^LANG="']);
      expect(image.output).toBe('source /opt/miniconda3/etc/profile.d/conda.sh && conda activate testbed\n0\n');
    } finally {
      await fresh.close();
    }
  }, 300_000);

  it('keeps cd across bash calls, answers a command past its timeout with the timeout text, and the next command works', async () => {
    const trajectory = await rollout(
      [
        turn.bash('cd /testbed/textwrapx'),
        turn.bash('pwd && ls'),
        turn.bash('sleep 60'),
        turn.bash('echo alive'),
        turn.submit(),
        turn.submit(),
      ],
      { commandTimeoutS: 3 },
    );
    expect(trajectory.exit_status).toBe('submitted');
    const [cd, listing, timedOut, alive] = trajectory.steps;
    expect(cd!.observation).toBe('');
    expect(listing!.observation).toContain('/testbed/textwrapx\n');
    expect(listing!.observation).toContain('truncate.py');
    expect(timedOut!.observation).toBe(renderCommandTimeout('sleep 60', 3));
    expect(timedOut!.tool_latency_s).toBeLessThan(30);
    expect(alive!.observation).toBe('alive\n');
    expect(trajectory.submission).toBe('');
    expect(await containersLabelled(RUN_ID)).toEqual([]);
  }, 300_000);

  it("keeps the model's own outcome when it kills its shell and deletes /testbed: the patch taken before is submitted", async () => {
    const trajectory = await rollout([
      turn.editor({ command: 'str_replace', path: TRUNCATE, old_str: '    if len(text) >= width:', new_str: '    if len(text) > width:' }),
      turn.bash('kill -9 $$'),
      turn.bash('rm -rf /testbed'),
      turn.bash('ls /testbed'),
      turn.submit(),
      turn.submit(),
    ]);
    expect(trajectory.exit_status).not.toBe('exit_infrastructure');
    expect(trajectory.steps.at(3)?.observation).toContain('No such file or directory');
    expect(trajectory.exit_status).toBe('submitted');
    expect(trajectory.submission).toContain('-    if len(text) >= width:\n+    if len(text) > width:');
  });

  it('removes the rollout containers and exits 130 when the CLI gets SIGINT mid-run', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sera-eval-sigint-'));
    const runId = `sigint-${process.pid}`;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--run-id', runId, '--output', out], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let running = true;
      void exited.then(() => (running = false));

      let seen: string[] = [];
      while (running && seen.length === 0) {
        seen = await containersLabelled(runId);
        if (seen.length === 0) await sleep(100);
      }
      expect(seen.length, `the demo ended before any container of ${runId} appeared:\n${stderr}`).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(130);
      expect(stderr).toContain('SIGINT: stopping');
      expect(await containersLabelled(runId)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
