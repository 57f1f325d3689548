/**
 * Images made on this machine, for the demo and the integration tests: no registry is needed.
 * base (debootstrap + import) → python-base (apt, conda shim) → one image per fixture repository.
 * Each is cached: base by name, the others by a hash of their inputs kept in a label.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InfrastructureError, errorMessage } from '../errors.js';
import type { DockerClient, ImageProgressEvent } from './docker/image-store.js';
import { buildImage, hasImage, imageLabels, importImage } from './docker/image-store.js';
import { packTar } from './docker/tar.js';

export const BASE_IMAGE = 'sera-eval/base:bookworm';
export const PYTHON_BASE_IMAGE = 'sera-eval/python-base:bookworm-conda';
const INPUT_HASH_LABEL = 'sera-eval.input-hash';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

const run = promisify(execFile);
/** harness/images, found from src/environment (tsx) and dist/environment (built) alike. */
const IMAGES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../harness/images');

export type ProgressListener = (event: ImageProgressEvent) => void;

/** Concurrent callers (the demo builds several repo images at once) share one build per image. */
const inFlight = new WeakMap<DockerClient, Map<string, Promise<void>>>();

function shared(docker: DockerClient, image: string, make: () => Promise<void>): Promise<void> {
  const perDaemon = inFlight.get(docker) ?? new Map<string, Promise<void>>();
  inFlight.set(docker, perDaemon);
  let pending = perDaemon.get(image);
  if (!pending) {
    pending = make().finally(() => perDaemon.delete(image));
    perDaemon.set(image, pending);
  }
  return pending;
}

/** `sera-eval/base:bookworm`: a Debian bookworm minbase root, made with debootstrap if missing. */
function ensureBaseImage(docker: DockerClient, onProgress?: ProgressListener): Promise<void> {
  return shared(docker, BASE_IMAGE, () => makeBaseImage(docker, onProgress));
}

async function makeBaseImage(docker: DockerClient, onProgress?: ProgressListener): Promise<void> {
  if (await hasImage(docker, BASE_IMAGE)) return;
  const rootfs = await mkdtemp(join(tmpdir(), 'sera-eval-rootfs-'));
  try {
    onProgress?.({ status: `debootstrap bookworm into ${rootfs}` });
    await runHostCommand('debootstrap', ['--variant=minbase', 'bookworm', rootfs, DEBIAN_MIRROR], onProgress);
    const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repo, tag] = BASE_IMAGE.split(':') as [string, string];
    await importImage(docker, tar.stdout, { repo, tag, onProgress });
  } catch (err) {
    throw new InfrastructureError('image_unavailable', `could not make ${BASE_IMAGE}: ${errorMessage(err)}`, { cause: err });
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

/** `sera-eval/python-base:bookworm-conda` FROM the base: SWE-bench's /opt/miniconda3 layout (base and testbed interpreters), git, patch. */
export function ensurePythonBaseImage(docker: DockerClient, onProgress?: ProgressListener): Promise<void> {
  return shared(docker, PYTHON_BASE_IMAGE, () => makePythonBaseImage(docker, onProgress));
}

async function makePythonBaseImage(docker: DockerClient, onProgress?: ProgressListener): Promise<void> {
  await ensureBaseImage(docker, onProgress);
  const names = ['Dockerfile', 'activate', 'conda', 'conda.sh'];
  const files = await Promise.all(names.map(async (name) => ({ name, content: await readFile(join(IMAGES_DIR, 'python-base', name)), mode: 0o755 })));
  const hash = hashOf(await imageId(docker, BASE_IMAGE), ...files.map((file) => file.content));
  if ((await imageLabels(docker, PYTHON_BASE_IMAGE))?.[INPUT_HASH_LABEL] === hash) return;
  try {
    await buildImage(docker, packTar(files), { tag: PYTHON_BASE_IMAGE, labels: { [INPUT_HASH_LABEL]: hash }, onProgress });
  } catch (err) {
    throw new InfrastructureError('image_unavailable', `could not build ${PYTHON_BASE_IMAGE}: ${errorMessage(err)}`, { cause: err });
  }
}

export interface RepoImageOptions {
  /** An existing git repository on the host; its HEAD is the instance's base commit. */
  gitDir: string;
  imageName: string;
  /** Shell commands run in /testbed before the clean-diff commit (like sphinx's pre_install). */
  setupCommands?: string[];
  onProgress?: ProgressListener;
}

/**
 * An instance image for a local repository, built FROM python-base. Rebuilt only when the
 * repository (HEAD, uncommitted changes), the setup commands, the templates or python-base changed.
 */
export async function buildRepoImage(docker: DockerClient, options: RepoImageOptions): Promise<void> {
  await ensurePythonBaseImage(docker, options.onProgress);
  const dockerfile = await readFile(join(IMAGES_DIR, 'repo', 'Dockerfile'));
  const setupScript = await readFile(join(IMAGES_DIR, 'repo', 'setup-repo.sh'));
  const setupCommands = (options.setupCommands ?? []).join('\n') + '\n';
  const hash = hashOf(await imageId(docker, PYTHON_BASE_IMAGE), dockerfile, setupScript, setupCommands, await repoState(options.gitDir));
  if ((await imageLabels(docker, options.imageName))?.[INPUT_HASH_LABEL] === hash) return;

  const context = await mkdtemp(join(tmpdir(), 'sera-eval-build-'));
  try {
    await writeFile(join(context, 'Dockerfile'), dockerfile);
    await writeFile(join(context, 'setup-repo.sh'), setupScript);
    await writeFile(join(context, 'setup-commands.sh'), setupCommands);
    await cp(options.gitDir, join(context, 'testbed'), { recursive: true, verbatimSymlinks: true });
    const tar = spawn('tar', ['-C', context, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await buildImage(docker, tar.stdout, { tag: options.imageName, labels: { [INPUT_HASH_LABEL]: hash }, onProgress: options.onProgress });
  } catch (err) {
    throw new InfrastructureError('image_unavailable', `could not build ${options.imageName} from ${options.gitDir}: ${errorMessage(err)}`, { cause: err });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** HEAD plus any uncommitted or untracked change: everything `COPY testbed` would carry. */
async function repoState(gitDir: string): Promise<string> {
  const git = async (...args: string[]) => (await run('git', ['-C', gitDir, ...args], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  try {
    return [await git('rev-parse', 'HEAD'), await git('status', '--porcelain', '--untracked-files=all'), await git('diff', 'HEAD', '--binary')].join('\0');
  } catch (err) {
    throw new InfrastructureError('image_unavailable', `${gitDir} is not a git repository with a commit: ${errorMessage(err)}`, { cause: err });
  }
}

async function imageId(docker: DockerClient, name: string): Promise<string> {
  return (await docker.getImage(name).inspect()).Id;
}

function hashOf(...parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32);
}

function runHostCommand(command: string, args: string[], onProgress?: ProgressListener): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastLines = '';
    const forward = (chunk: Buffer): void => {
      lastLines = (lastLines + chunk.toString()).slice(-2000);
      for (const line of chunk.toString().split('\n')) if (line.trim()) onProgress?.({ status: line.trim() });
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (err) => reject(new Error(`${command} could not run (${err.message}); on Debian: apt-get install ${command}`)));
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} exited ${code}: ${lastLines.trim()}`))));
  });
}
