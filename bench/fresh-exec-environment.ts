/**
 * The benchmarks' baseline: a DockerEnvironment whose `exec`, `readFile` and `writeFile` go the way
 * they went before the harness shell, a fresh `docker exec` per process and the archive API per file,
 * so the tool-step and round-trip sections can print old and new side by side on the same container.
 * `run`, `diff` and `close` are the environment's own.
 */
import { posix } from 'node:path';
import type Dockerode from 'dockerode';
import type { DockerEnvironment } from '../src/environment/docker/docker-environment.js';
import { decodeUtf8 } from '../src/environment/docker/capped-output.js';
import { execProcess } from '../src/environment/docker/exec-process.js';
import { packTar, unpackTar } from '../src/environment/docker/tar.js';
import type { Environment, ExecOptions, ExecResult, RunOptions, RunResult } from '../src/environment/environment.js';

export class FreshExecEnvironment implements Environment {
  private readonly container: Dockerode.Container;

  constructor(
    docker: Dockerode,
    private readonly inner: DockerEnvironment,
  ) {
    this.container = docker.getContainer(inner.id);
  }

  run(command: string, options?: RunOptions): Promise<RunResult> {
    return this.inner.run(command, options);
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const result = await execProcess(this.container, argv, {
      timeoutS: options.timeoutS,
      maxOutputBytes: options.maxOutputBytes ?? 32 * 1024 * 1024,
      cwd: options.cwd ?? this.inner.workdir,
      env: options.env,
    });
    return {
      output: decodeUtf8(result.output.toBuffer()),
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      outputBytes: result.output.totalBytes,
      truncated: result.output.truncated,
    };
  }

  async readFile(path: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.container.getArchive({ path: posix.resolve(this.inner.workdir, path) })) chunks.push(chunk as Buffer);
    const entry = unpackTar(Buffer.concat(chunks))[0];
    if (entry?.kind !== 'file') throw new Error(`${path} is not a regular file in the baseline's reader`);
    return entry.content;
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    const absolute = posix.resolve(this.inner.workdir, path);
    const tar = packTar([{ name: posix.basename(absolute), content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') }]);
    await this.container.putArchive(tar, { path: posix.dirname(absolute) });
  }

  diff(): Promise<string> {
    return this.inner.diff();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
