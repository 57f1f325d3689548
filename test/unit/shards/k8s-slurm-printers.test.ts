import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { splitIntoShards, writeShardPlan } from '../../../src/pipeline/shards-plan.js';
import { runCli } from '../../support/cli-runner.js';
import { instance } from '../evaluation/instances.js';

async function plannedRun(shards: number): Promise<string> {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'printers-')), 'nightly-2026.11.26');
  const rows = Array.from({ length: 6 }, (_, i) => instance({ instance_id: `django__django-${i + 1}` }));
  const cells = rows.map((row) => ({ instance: row, context: '32k', seed: '1' }));
  await writeShardPlan(root, { runId: 'nightly-2026.11.26', command: 'run', flags: { apiKeyEnv: 'VLLM_KEY' }, instances: rows, shards: splitIntoShards(cells, shards) });
  return root;
}

describe('sera-eval k8s job', () => {
  it('prints an Indexed Job that validates against the Kubernetes batch/v1 schema', async () => {
    const runDir = await plannedRun(4);
    const run = await runCli([
      'k8s', 'job', runDir, '--parallelism', '2', '--image', 'registry.example/sera-eval:0.1', '--claim', 'sera-results',
      '--namespace', 'evals', '--cpu', '8', '--memory', '32Gi', '--docker-socket', '/var/run/docker.sock', '--api-key-secret', 'vllm:token',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const manifest = JSON.parse(run.stdout);
    // throws with the failing path when any field, nested pod spec included, breaks the schema
    expect(() => new Job(manifest).validate()).not.toThrow();

    expect(manifest.metadata).toMatchObject({ name: 'sera-eval-nightly-2026-11-26', namespace: 'evals' });
    expect(manifest.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 2, backoffLimitPerIndex: 3, podReplacementPolicy: 'Failed' });
    expect(manifest.spec.podFailurePolicy.rules[0]).toEqual({ action: 'FailIndex', onExitCodes: { containerName: 'worker', operator: 'In', values: [2] } });
    const pod = manifest.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.volumes[0]).toEqual({ name: 'results', persistentVolumeClaim: { claimName: 'sera-results' } });
    expect(pod.containers[0].command).toEqual(['sera-eval', 'work', '/results/nightly-2026.11.26', '--shard-from-env']);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'results', mountPath: '/results' });
    expect(pod.containers[0].env).toEqual([{ name: 'VLLM_KEY', valueFrom: { secretKeyRef: { name: 'vllm', key: 'token' } } }]);
  });

  it('a manifest the schema rejects is caught by the same validation (the check is not vacuous)', async () => {
    const run = await runCli(['k8s', 'job', await plannedRun(2), '--parallelism', '1', '--image', 'img', '--claim', 'pvc']);
    const manifest = JSON.parse(run.stdout);
    manifest.spec.completionMode = 'Sequential';
    manifest.spec.template.spec.containers[0].volumeMounts[0].mountPath = 7;
    expect(() => new Job(manifest).validate()).toThrow();
  });

  it('refuses a run directory that was not planned, and a claim that is no Kubernetes name (exit 2)', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'printers-'));
    const unplanned = await runCli(['k8s', 'job', empty, '--parallelism', '1', '--image', 'img', '--claim', 'pvc']);
    expect(unplanned.code).toBe(2);
    expect(unplanned.stderr).toContain('no shards.json');
    const badClaim = await runCli(['k8s', 'job', await plannedRun(2), '--parallelism', '1', '--image', 'img', '--claim', 'My_Claim']);
    expect(badClaim.code).toBe(2);
    expect(badClaim.stderr).toContain('--claim: expected a PersistentVolumeClaim name');
  });
});

describe('sera-eval slurm array', () => {
  it('prints an sbatch script with one task per shard, P at a time, logging into the run directory', async () => {
    const runDir = await plannedRun(4);
    const run = await runCli(['slurm', 'array', runDir, '--parallel', '2', '--partition', 'cpu', '--time', '12:00:00', '--mem', '32G']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain('#SBATCH --array=0-3%2');
    expect(lines).toContain(`#SBATCH --output=${runDir}/shards/slurm-%A_%a.out`);
    expect(lines).toContain('#SBATCH --partition=cpu');
    expect(lines).toContain('#SBATCH --time=12:00:00');
    expect(lines).toContain('#SBATCH --mem=32G');
    expect(lines).toContain(`exec npx sera-eval work ${runDir} --shard-from-env`);
  });
});
