/**
 * Hostile input on real Docker: predictions and a model that hang, flood, write invalid UTF-8,
 * fork-bomb, hog memory, reach for the network, write outside /testbed, delete /testbed and kill
 * their own shell. Each case ends as a
 * named per-instance outcome, the run goes on, no container is left, and nothing is written
 * outside the run directory.
 *
 * Every hostile case is its own dataset row (a copy of the textwrapx demo instance under a new id,
 * on the same image), so one `evaluate` run grades them side by side.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayTurn } from '../../src/model/replay-script.js';
import { startReplayServer } from '../../src/model/replay-server.js';
import type { SweBenchInstance } from '../../src/dataset/schema.js';
import { RUN_ID_LABEL } from '../../src/environment/docker/container-registry.js';
import { imageNameFor } from '../../src/benchmarks/swe-bench/image-names.js';
import { runCli } from '../support/cli-runner.js';
import { demoRow, ensureDemoImages, makePatch, replaceInFile, writeNewFile, writePredictions } from '../support/demo-fixtures.js';
import { requireDocker } from '../support/docker.js';
import { turn } from '../support/fake-model-server.js';

const docker = await requireDocker();
const BASE = demoRow('sera-eval__textwrapx-14');
const TRUNCATE_PY = 'textwrapx/truncate.py';
const FIX = ['if len(text) >= width:', 'if len(text) > width:'] as const;
/** Written by the hostile code inside containers; must never appear on the host. */
const MARKER = `sera-eval-escape-${randomBytes(4).toString('hex')}`;
const TIMEOUT_S = 20;

const CASES = ['forkbomb', 'concurrent', 'hang', 'flood', 'utf8', 'hog', 'network', 'outside'] as const;
type Case = (typeof CASES)[number];
const ROLLOUTS = ['outside-rollout', 'kill-shell', 'rm-testbed'] as const;
const NAMES = [...CASES, ...ROLLOUTS];
type Name = (typeof NAMES)[number];
const idOf = (name: Name) => `sera-eval__textwrapx-${9000 + NAMES.indexOf(name)}`;

/** The demo instance under a new id and problem statement (the replay model tells rollouts apart by it). */
function hostileRow(name: Name): SweBenchInstance {
  return {
    ...BASE,
    instance_id: idOf(name),
    problem_statement: `${BASE.problem_statement}\n[hostile case: ${name}]`,
    image_name: imageNameFor(BASE, 'local'),
  };
}

/** The gold fix plus a conftest.py that runs `python` when pytest starts. */
function fixWithConftest(python: string): Promise<string> {
  return makePatch(BASE, (repo) => {
    replaceInFile(path.join(repo, TRUNCATE_PY), ...FIX);
    writeNewFile(path.join(repo, 'conftest.py'), python);
  });
}

const PATCHES: Record<Case, () => Promise<string>> = {
  // every process forks until the pids limit refuses, then spins: only the timeout ends it
  forkbomb: () => fixWithConftest('import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n'),
  concurrent: () => fixWithConftest(''),
  hang: () => fixWithConftest('import time\ntime.sleep(3600)\n'),
  // straight to eval.sh's stdout: pytest would capture (and hold in memory) what conftest writes to fd 1
  flood: () =>
    fixWithConftest(
      'import os\nout = os.open(f"/proc/{os.getppid()}/fd/1", os.O_WRONLY)\nchunk = b"x" * (1 << 20)\n' +
        'for _ in range(200):\n    os.write(out, chunk)\nos.write(out, b"\\nEND-OF-FLOOD\\n")\n',
    ),
  utf8: () => fixWithConftest('import os\nos.write(os.open(f"/proc/{os.getppid()}/fd/1", os.O_WRONLY), b"bad bytes: \\xff\\xfe\\xc3\\x28 end\\n")\n'),
  hog: () => fixWithConftest('hog = b"x" * (1 << 30)\n'),
  network: () =>
    makePatch(BASE, (repo) =>
      replaceInFile(
        path.join(repo, TRUNCATE_PY),
        '    _check_width(width, placeholder)\n',
        '    import socket; socket.create_connection(("1.1.1.1", 53), timeout=5)\n    _check_width(width, placeholder)\n',
      ),
    ),
  outside: () =>
    fixWithConftest(
      `for target in ["/tmp/${MARKER}", "/root/${MARKER}", "/${MARKER}", "/testbed/../${MARKER}-up"]:\n` +
        '    open(target, "w").write("escaped?")\n',
    ),
};

async function containersOf(runId: string): Promise<string[]> {
  const list = await docker.docker.listContainers({ all: true, filters: { label: [`${RUN_ID_LABEL}=${runId}`] } });
  return list.map((c) => c.Id);
}

/** The CPU quota (HostConfig.NanoCpus) of the first container whose name includes `nameIncludes`, looked up while `during` runs. */
async function cpuQuotaOf(nameIncludes: string, during: Promise<unknown>): Promise<number | null> {
  let done = false;
  void during.finally(() => (done = true));
  let quota: number | null = null;
  while (!done && quota === null) {
    const [found] = await docker.docker.listContainers({ filters: { name: [nameIncludes] } });
    if (found) quota = (await docker.docker.getContainer(found.Id).inspect()).HostConfig.NanoCpus ?? 0;
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await during;
  return quota;
}

function report(runDir: string, context: string, seed: string, id: string) {
  return JSON.parse(readFileSync(path.join(runDir, 'evaluation', context, seed, id, 'report.json'), 'utf8'))[id];
}

function testOutput(runDir: string, id: string): string {
  return readFileSync(path.join(runDir, 'evaluation', '-', '-', id, 'test_output.txt'), 'utf8');
}

function expectNoEscape(): void {
  for (const place of [`/tmp/${MARKER}`, `/root/${MARKER}`, `/${MARKER}`, `/${MARKER}-up`]) expect(existsSync(place), place).toBe(false);
}

describe.skipIf(!docker.available)('hostile input on real Docker', () => {
  let work: string;
  let out: string;
  let dataset: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    await ensureDemoImages(docker.docker);
    work = mkdtempSync(path.join(tmpdir(), 'sera-eval-hostile-'));
    out = path.join(work, 'results');
    dataset = path.join(work, 'hostile.jsonl');
    writeFileSync(dataset, NAMES.map((name) => JSON.stringify(hostileRow(name))).join('\n') + '\n');
  }, 600_000);

  afterAll(async () => {
    for (const runId of runIds) for (const id of await containersOf(runId)) await docker.docker.getContainer(id).remove({ force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('grades each hostile prediction to a named outcome, and the run goes on', async () => {
    const runId = `hostile-evaluate-${process.pid}`;
    runIds.push(runId);
    const predictions = [];
    for (const name of CASES) predictions.push({ instance_id: idOf(name), model_patch: await PATCHES[name]() });
    const preds = writePredictions(work, predictions);
    const running = runCli([
      'evaluate', '--benchmark', 'demo', '--dataset', dataset, '--predictions', preds, '--image-template', 'local', '--pull', 'never',
      '--output', out, '--run-id', runId, '--workers', '2', '--timeout', String(TIMEOUT_S),
      '--memory', '256m', '--pids', '128', '--max-output', '2m',
    ]);
    const bombQuota = await cpuQuotaOf(`sweb.eval.${idOf('forkbomb')}.${runId}`, running);
    const run = await running;
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const runDir = path.join(out, runId);
    const cell = (name: Case) => report(runDir, '-', '-', idOf(name));

    // fork bomb: stopped by the timeout; the cell graded beside it (one CPU each) still finished well inside it
    expect(cell('forkbomb').sera_eval.error).toMatchObject({ stage: 'tests', code: 'tests_timeout' });
    expect(cell('concurrent').sera_eval.outcome).toBe('resolved');
    expect(cell('concurrent').sera_eval.timings.total_s).toBeLessThan(TIMEOUT_S * 2);
    // it ran under the default CPU quota: this machine's cores over the 2 grading workers, at least 1
    expect(bombQuota).toBe(Math.round(Math.max(1, availableParallelism() / 2) * 1e9));

    expect(cell('hang').sera_eval.error).toMatchObject({ stage: 'tests', code: 'tests_timeout' });
    expect(testOutput(runDir, idOf('hang'))).toContain(`Timeout error: ${TIMEOUT_S} seconds exceeded.`);

    // 200 MB of output: capped to --max-output, head and tail kept, graded from the tail
    expect(cell('flood').sera_eval.outcome).toBe('resolved');
    const flood = testOutput(runDir, idOf('flood'));
    expect(Buffer.byteLength(flood)).toBeLessThan(3 * 1024 * 1024);
    expect(flood).toMatch(/bytes of output cut/);

    // invalid UTF-8: replaced (U+FFFD), as the official harness decodes with errors="replace"
    expect(cell('utf8').sera_eval.outcome).toBe('resolved');
    expect(testOutput(runDir, idOf('utf8'))).toContain('bad bytes: \ufffd\ufffd\ufffd( end');

    expect(cell('hog').sera_eval.error).toMatchObject({
      stage: 'tests',
      code: 'out_of_memory',
      message: expect.stringMatching(/^out of memory at 256 MiB/),
    });

    // no network: the patched code cannot connect, so its tests fail
    expect(cell('network').sera_eval.outcome).toBe('unresolved');
    expect(testOutput(runDir, idOf('network'))).toMatch(/Network is unreachable|OSError/);

    // writes outside /testbed stay in the (removed) container
    expect(cell('outside').sera_eval.outcome).toBe('resolved');
    expectNoEscape();

    const summary = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(summary.submitted_ids).toHaveLength(CASES.length);
    expect(summary.infrastructure_ids).toEqual([]);
    expect(await containersOf(runId)).toEqual([]);
    expect(readdirSync(out)).toEqual([runId]);
  }, 360_000);

  it("keeps a model's writes outside /testbed in its container, and a model that kills its shell or deletes /testbed gets its own outcome", async () => {
    const runId = `hostile-run-${process.pid}`;
    runIds.push(runId);
    const fix = turn.editor({ command: 'str_replace', path: `/testbed/${TRUNCATE_PY}`, old_str: `    ${FIX[0]}`, new_str: `    ${FIX[1]}` });
    const turns: Record<(typeof ROLLOUTS)[number], ReplayTurn[]> = {
      'outside-rollout': [
        turn.bash(`echo escaped > /tmp/${MARKER}; echo escaped > /${MARKER}; echo escaped > /testbed/../${MARKER}-up; ls /${MARKER}`),
        fix,
        turn.submit(),
        turn.submit(),
      ],
      'kill-shell': [turn.bash('kill -9 $$'), fix, turn.submit(), turn.submit()],
      'rm-testbed': [fix, turn.bash('rm -rf /testbed'), turn.bash('ls /testbed'), turn.submit(), turn.submit()],
    };
    const replay = await startReplayServer({
      model: 'sera-replay',
      max_model_len: 32768,
      conversations: ROLLOUTS.map((name) => ({ match: `[hostile case: ${name}]`, turns: turns[name] })),
    });
    try {
      const run = await runCli([
        'run', '--base-url', replay.url, '--benchmark', 'demo', '--dataset', dataset, '--instances', ROLLOUTS.map(idOf).join(','),
        '--image-template', 'local', '--pull', 'never', '--output', out, '--run-id', runId,
        '--concurrency', '2', '--eval-workers', '2', '--api-key-env', 'SERA_EVAL_HOSTILE_NO_KEY',
      ]);
      expect(run.stderr).not.toContain('unexpected error');
      expect(run.code).toBe(0);
    } finally {
      await replay.close();
    }
    const runDir = path.join(out, runId);
    const trajectory = (name: Name) => JSON.parse(readFileSync(path.join(runDir, 'trajectories', '32k', '1', `${idOf(name)}.traj.json`), 'utf8'));
    const outcome = (name: Name) => report(runDir, '32k', '1', idOf(name)).sera_eval.outcome;

    expect(trajectory('outside-rollout').exit_status).toBe('submitted');
    expect(trajectory('outside-rollout').steps[0].observation).toContain(`/${MARKER}`);
    expect(outcome('outside-rollout')).toBe('resolved');
    expectNoEscape();

    // the model's own doing, not infrastructure: the shell is replaced, the fix submitted and graded
    expect(trajectory('kill-shell').exit_status).toBe('submitted');
    expect(outcome('kill-shell')).toBe('resolved');
    expect(trajectory('rm-testbed').steps[2].observation).toContain('No such file or directory');
    expect(trajectory('rm-testbed').exit_status).toBe('submitted');
    expect(outcome('rm-testbed')).toBe('resolved');

    const summary = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(summary.infrastructure_ids).toEqual([]);
    expect(await containersOf(runId)).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(runIds.slice().sort());
  }, 240_000);
});
