/** The disk pre-flight with a fake statfs: when it warns, what it says the estimate is made of. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { ASSUMED_IMAGE_BYTES, CONTAINER_LAYER_BYTES, dockerStorageNeed } from '../../../src/environment/docker/docker-storage.js';
import { ownRun } from '../../../src/pipeline/own-run.js';
import { lowSpaceWarnings, outputNeed, type DiskProbe } from '../../../src/run-dir/disk-space.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** statfs answers per directory prefix: free bytes and device number. */
function fakeProbe(disks: Record<string, { free: number; dev: number }>): DiskProbe {
  const find = (dir: string) => {
    const key = Object.keys(disks).sort((a, b) => b.length - a.length).find((prefix) => dir.startsWith(prefix));
    if (!key) throw Object.assign(new Error(`ENOENT: ${dir}`), { code: 'ENOENT' });
    return disks[key]!;
  };
  return { freeBytes: async (dir) => find(dir).free, device: async (dir) => find(dir).dev };
}

describe('lowSpaceWarnings', () => {
  it('warns when the output root has less free space than cells × the per-cell allowance, saying how it estimated', async () => {
    const need = outputNeed('/data/results/r1', 500, 33 * MiB, 'the test output cap --max-output + 1 MiB');
    const [warning, ...rest] = await lowSpaceWarnings([need], fakeProbe({ '/data': { free: 10 * GiB, dev: 1 } }));
    expect(rest).toEqual([]);
    expect(warning).toContain('10.0 GiB free on the disk of /data/results/r1, below the 16.1 GiB this selection may need');
    expect(warning).toContain('500 cells × 33.0 MiB (the test output cap --max-output + 1 MiB)');
    expect(warning).toContain('the same command resumes it');
  });

  it('adds up two needs on one disk, and judges separate disks apart', async () => {
    const output = { label: 'the output root', dir: '/data/results/r1', bytes: 6 * GiB, basis: 'a' };
    const docker = { label: "Docker's data root", dir: '/data/docker', bytes: 6 * GiB, basis: 'b' };
    const oneDisk = await lowSpaceWarnings([output, docker], fakeProbe({ '/data': { free: 10 * GiB, dev: 1 } }));
    expect(oneDisk).toHaveLength(1);
    expect(oneDisk[0]).toContain('below the 12.0 GiB');
    expect(oneDisk[0]).toContain("Docker's data root /data/docker: 6.0 GiB estimated from b");
    const twoDisks = await lowSpaceWarnings(
      [output, docker],
      fakeProbe({ '/data/results': { free: 10 * GiB, dev: 1 }, '/data/docker': { free: 10 * GiB, dev: 2 } }),
    );
    expect(twoDisks).toEqual([]);
  });

  it('says nothing when there is room, or when the disk cannot be examined', async () => {
    const need = outputNeed('/data/r', 10, 33 * MiB, 'x');
    expect(await lowSpaceWarnings([need], fakeProbe({ '/data': { free: 100 * GiB, dev: 1 } }))).toEqual([]);
    expect(await lowSpaceWarnings([need], fakeProbe({}))).toEqual([]);
  });
});

describe("Docker's share of the estimate", () => {
  const fakeDocker = (root: string, images: { RepoTags: string[]; Size: number }[]) =>
    ({ info: async () => ({ DockerRootDir: root }), listImages: async () => images }) as unknown as Dockerode;

  it('prices images to pull at the mean size of the present ones, plus a layer per container at once', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'docker-root-'));
    const docker = fakeDocker(root, [{ RepoTags: ['img/a:latest'], Size: 3 * GiB }]);
    const need = await dockerStorageNeed(docker, ['img/a', 'img/b', 'img/c', 'img/c'], 4);
    expect(need?.dir).toBe(root);
    expect(need?.bytes).toBe(2 * 3 * GiB + 4 * CONTAINER_LAYER_BYTES);
    expect(need?.basis).toBe('2 of 3 images to pull × 3.0 GiB (the mean size of the 1 present) + 4 containers at once × 1.0 GiB of writable layer');
  });

  it('assumes a size when no image is present, and gives up on a data root not on this machine or a daemon that does not answer', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'docker-root-'));
    expect((await dockerStorageNeed(fakeDocker(root, []), ['img/a'], 1))?.bytes).toBe(ASSUMED_IMAGE_BYTES + CONTAINER_LAYER_BYTES);
    expect(await dockerStorageNeed(fakeDocker('/nonexistent/var/lib/docker', []), ['img/a'], 1)).toBeNull();
    const down = { info: async () => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')) } as unknown as Dockerode;
    expect(await dockerStorageNeed(down, ['img/a'], 1)).toBeNull();
  });
});

describe('ownRun runs the pre-flight once the run is ours', () => {
  it('passes the warning on as a notice, and the run goes on', async () => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'preflight-')), 'run');
    const notices: string[] = [];
    const lock = await ownRun(
      new RunLayout(root),
      new FakeSandbox(() => Promise.reject(new Error('unused'))),
      'evaluate',
      (line) => notices.push(line),
      { images: ['img/a'], cells: 100, perCellBytes: 33 * MiB, perCellBasis: 'cap + files', containersAtOnce: 2 },
      fakeProbe({ '/': { free: GiB, dev: 1 } }),
    );
    await lock.release();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^sera-eval: warning: 1\.0 GiB free on the disk of .*, below the 3\.2 GiB this selection may need/);
    expect(notices[0]).toContain('100 cells × 33.0 MiB (cap + files)');
  });
});
