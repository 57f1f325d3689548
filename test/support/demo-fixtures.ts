/**
 * The demo benchmark as integration fixtures: its rows, its images (built once, cached by
 * content), and model patches made with real git on a fresh copy of an instance's repository.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { DEMO_DATASET_PATH, demoRepoSourceDir, materializeRepo } from '../../src/benchmarks/demo/demo-repo.js';
import { SweBenchInstanceSchema, type SweBenchInstance } from '../../src/dataset/schema.js';
import { buildRepoImage } from '../../src/environment/local-images.js';
import { buildDemoImages } from '../../src/benchmarks/demo/demo-images.js';

export function demoRows(): SweBenchInstance[] {
  return readFileSync(DEMO_DATASET_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => SweBenchInstanceSchema.parse(JSON.parse(line)));
}

export function demoRow(instanceId: string): SweBenchInstance {
  const row = demoRows().find((r) => r.instance_id === instanceId);
  if (!row) throw new Error(`no demo row ${instanceId}`);
  return row;
}

export async function ensureDemoImages(docker: Dockerode): Promise<void> {
  await buildDemoImages(demoRows(), (gitDir, imageName) => buildRepoImage(docker, { gitDir, imageName }));
}

/**
 * One demo instance's image under a name of the caller's (the demo's own names are shared by every
 * checkout using this Docker daemon, which may build them from other harness files).
 */
export async function buildDemoImageAs(docker: Dockerode, row: SweBenchInstance, imageName: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sera-eval-demo-as-'));
  try {
    await materializeRepo(demoRepoSourceDir(row.repo), path.join(dir, 'repo'));
    await buildRepoImage(docker, { gitDir: path.join(dir, 'repo'), imageName });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A patch as `git diff` writes it, after `edit` changes a fresh copy of the instance's repository. */
export async function makePatch(row: SweBenchInstance, edit: (repoDir: string) => void): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sera-eval-patch-'));
  try {
    const repo = path.join(dir, 'repo');
    await materializeRepo(demoRepoSourceDir(row.repo), repo);
    edit(repo);
    execFileSync('git', ['-C', repo, 'add', '-A']);
    return execFileSync('git', ['-C', repo, 'diff', '--cached'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function replaceInFile(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
}

export function writeNewFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function writePredictions(dir: string, rows: { instance_id: string; model_patch: string | null }[], model = 'test-model'): string {
  const file = path.join(dir, 'predictions.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify({ ...r, model_name_or_path: model })).join('\n') + '\n');
  return file;
}
