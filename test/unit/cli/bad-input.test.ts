import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { runCli } from '../../support/cli-runner.js';

const evaluate = (...extra: string[]) => ['evaluate', '--dataset', DEMO_DATASET_PATH, '--pull', 'never', ...extra];

describe('CLI input errors exit 2 before anything runs, naming what was wrong', () => {
  it('an unknown instance id, with a close match', async () => {
    const run = await runCli(evaluate('--predictions', 'gold', '--instances', 'sera-eval__textwrapx-41'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('sera-eval__textwrapx-41');
    expect(run.stderr).toContain('sera-eval__textwrapx-14');
  });

  it('a predictions file with a bad line names the file, the line and the field', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
    const file = path.join(dir, 'preds.jsonl');
    writeFileSync(file, '{"instance_id":"sera-eval__textwrapx-14","model_name_or_path":"m","model_patch":""}\n{"instance_id":"sera-eval__intervals-7","model_patch":5}\n');
    const run = await runCli(evaluate('--predictions', file));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:2`);
    expect(run.stderr).toContain('model_patch');
  });

  it('a flag value of the wrong shape names the flag', async () => {
    const shard = await runCli(evaluate('--predictions', 'gold', '--shard', '5/4'));
    expect(shard.code).toBe(2);
    expect(shard.stderr).toContain('--shard');
    const timeout = await runCli(evaluate('--predictions', 'gold', '--timeout', 'soon'));
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--timeout');
    const runId = await runCli(evaluate('--predictions', 'gold', '--run-id', 'a/b'));
    expect(runId.code).toBe(2);
    expect(runId.stderr).toContain('--run-id');
    const dockerHost = await runCli(evaluate('--predictions', 'gold', '--docker-host', '/run/podman/podman.sock'));
    expect(dockerHost.code).toBe(2);
    expect(dockerHost.stderr).toContain('--docker-host: expected a socket as unix:///PATH');
  });

  it('an unknown option or command is a usage error; --help is not', async () => {
    expect((await runCli(['evaluate', '--bogus'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const help = await runCli(['evaluate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--predictions');
  });

  it('a dataset file that does not exist', async () => {
    const run = await runCli(['evaluate', '--dataset', '/nonexistent/rows.jsonl', '--predictions', 'gold']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('/nonexistent/rows.jsonl');
  });
});

describe('run against a server that does not answer', () => {
  it('exits 3 naming the endpoint, before any container starts', async () => {
    const run = await runCli(['run', '--base-url', 'http://127.0.0.1:9/v1', '--dataset', DEMO_DATASET_PATH, '--pull', 'never']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('model_server_unreachable');
    expect(run.stderr).toContain('http://127.0.0.1:9/v1');
  });

  it('refuses a context longer than what the endpoint serves', async () => {
    const { startFakeModelServer } = await import('../../support/fake-model-server.js');
    const server = await startFakeModelServer({ conversations: [], maxModelLen: 32768 });
    try {
      const run = await runCli(['run', '--base-url', server.url, '--context', '64k', '--dataset', DEMO_DATASET_PATH, '--pull', 'never']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--context 64k');
      expect(run.stderr).toContain('max_model_len 32768');
    } finally {
      await server.close();
    }
  });
});

describe('lists are validated, naming the flag as typed', () => {
  const run = (...extra: string[]) => runCli(['run', '--base-url', 'http://127.0.0.1:9/v1', '--dataset', DEMO_DATASET_PATH, '--pull', 'never', ...extra]);

  it.each([
    [['--seeds', '1,1'], '--seeds', '1 is given twice'],
    [['--seeds', '1,-2'], '--seeds', 'whole number'],
    [['--seeds', 'one'], '--seeds', 'whole number'],
    [['--context', '32k,32k'], '--context', '32k is given twice'],
    [['--context', '0k'], '--context', 'positive length'],
  ])('%j', async (flags, flag, why) => {
    const r = await run(...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stderr).toContain(why);
  });

  it('nightly names --max-drop and --max-infra, not the internal field names', async () => {
    const r = await runCli(['nightly', '--baseline', 'a', '--current', 'b', '--max-drop', '-1', '--max-infra', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-drop');
    expect(r.stderr).toContain('--max-infra');
    expect(r.stderr).not.toContain('maxDrop');
  });
});
