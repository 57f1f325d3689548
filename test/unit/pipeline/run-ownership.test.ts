/**
 * A run directory has one owner at a time, and a write the machine refuses stops the run with a
 * named error: evaluate (and run, which shares ownRun) with fakes, no Docker.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateWith, evaluationSpec, type EvaluationFixture } from '../../support/run-spec-fixture.js';
import { nodeFileOps, type FileOps } from '../../../src/run-dir/atomic-write.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { RunLockedError } from '../../../src/run-dir/run-lock.js';
import type { Prediction } from '../../../src/run-dir/schemas.js';
import { OutputWriteError } from '../../../src/run-dir/write-errors.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';
import { evalLog, instance } from '../evaluation/instances.js';

const PATCH = 'diff --git a/django/x.py b/django/x.py\n--- a/django/x.py\n+++ b/django/x.py\n@@ -1 +1 @@\n-a\n+b\n';
const rows = [1, 2, 3, 4].map((n) => instance({ instance_id: `django__django-${n}` }));
const predictions: Prediction[] = rows.map((r) => ({ instance_id: r.instance_id, model_name_or_path: 'm', model_patch: PATCH }));
const passing = () =>
  new FakeSandbox(() => new FakeEnvironment((argv) => (argv[1] === '/eval.sh' ? { output: evalLog('test_new (forms_tests.tests.test_formsets.T) ... ok\ntest_old (forms_tests.tests.test_formsets.T) ... ok') } : { output: 'Applied patch' })));

function options(layout: RunLayout): EvaluationFixture {
  return { spec: evaluationSpec(), deps: { layout, rows, predictions, retryBaseDelayMs: 1 } };
}

const tempRun = () => path.join(mkdtempSync(path.join(tmpdir(), 'run-owner-')), 'run');
const children: { kill(): boolean }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

function writeLock(root: string, pid: number, host = hostname()): string {
  mkdirSync(root, { recursive: true });
  const file = path.join(root, 'run.lock');
  writeFileSync(file, JSON.stringify({ pid, host, started_at: '2026-01-02T03:04:05.000Z', command: 'evaluate' }));
  return file;
}

describe('one owner per run directory', () => {
  it('a second process on a run whose owner is alive stops naming it, and leaves its containers alone', async () => {
    const root = tempRun();
    const owner = spawn('sleep', ['30']);
    children.push(owner);
    writeLock(root, owner.pid!);
    const sandbox = passing();
    const error = await evaluateWith(options(new RunLayout(root)), { sandbox, progress: { write: () => undefined } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunLockedError);
    expect((error as Error).message).toContain(`pid ${owner.pid} on ${hostname()}, since 2026-01-02T03:04:05.000Z`);
    expect(sandbox.leftoversRemoved).toBe(0);
    expect(sandbox.starts).toEqual([]);
    expect(existsSync(path.join(root, 'run.json'))).toBe(false);
  });

  it('a lock on another host cannot be checked: it stops us and says how to clear it', async () => {
    const root = tempRun();
    const file = writeLock(root, 1, 'another-host');
    const error = await evaluateWith(options(new RunLayout(root)), { sandbox: passing(), progress: { write: () => undefined } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunLockedError);
    expect((error as Error).message).toContain(`if that process is gone, delete ${file}`);
  });

  it('a lock whose process is gone is taken over with a notice, its leftovers removed, and released at the end', async () => {
    const root = tempRun();
    const gone = spawnSync('true').pid!;
    writeLock(root, gone);
    writeFileSync(path.join(root, `report.json.${gone}.0123abcd.tmp`), 'half');
    let notices = '';
    const sandbox = passing();
    const summary = await evaluateWith(options(new RunLayout(root)), { sandbox, progress: { write: (s: string) => (notices += s) } });
    expect(summary.resolved_ids).toHaveLength(4);
    expect(notices).toContain(`took over ${path.join(root, 'run.lock')} from sera-eval evaluate (pid ${gone}`);
    expect(notices).toContain('removed 1 temporary file(s)');
    // at the start, and again at the end: a create the dead owner had sent may complete late
    expect(sandbox.leftoversRemoved).toBe(2);
    expect(existsSync(path.join(root, 'run.lock'))).toBe(false);
    expect(readdirSync(root, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a disk that fills up during evaluate', () => {
  it('stops with one OutputWriteError naming the file, leaves no temp file, keeps finished cells, releases the lock', async () => {
    const root = tempRun();
    let reports = 0;
    const ops: FileOps = {
      ...nodeFileOps,
      writeFile: async (file, data) => {
        if (file.includes('report.json') && file.includes('evaluation') && ++reports > 1) {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        await nodeFileOps.writeFile(file, data);
      },
    };
    const sandbox = passing();
    const error = await evaluateWith(options(new RunLayout(root, ops)), { sandbox, progress: { write: () => undefined } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputWriteError);
    expect((error as Error).message).toMatch(/^cannot write .*\/evaluation\/-\/-\/django__django-\d\/report\.json: no space left on device \(ENOSPC\); free space/);
    const files = readdirSync(root, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('report.json') && f.startsWith('evaluation'))).toHaveLength(1);
    expect(files).not.toContain('run.lock');
    // nothing new starts after the failure: at most the cells already running (2 workers) went on
    expect(sandbox.starts.length).toBeLessThanOrEqual(3);

    const resumed = await evaluateWith(options(new RunLayout(root)), { sandbox: passing(), progress: { write: () => undefined } });
    expect(resumed.resolved_ids).toHaveLength(4);
    expect(JSON.parse(readFileSync(path.join(root, 'report.json'), 'utf8')).resolved_instances).toBe(4);
  });
});
