/**
 * The harness shell (harness-shell.ts) in a container: `bash` over one `docker exec` with stdin
 * attached and no tty, so stdout is the framed protocol and stderr (bash's own complaints) stays
 * apart. It runs with the container's environment, as a fresh `docker exec` did.
 */
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import { onStreamEnd } from './stream-end.js';
import { HarnessShell } from '../harness-shell.js';

export async function startDockerHarnessShell(
  container: Dockerode.Container,
  killProcessTree: (pid: number, includeRoot: boolean) => Promise<void>,
): Promise<HarnessShell> {
  const exec = await container.exec({
    Cmd: ['bash', '--noprofile', '--norc'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    WorkingDir: '/',
  });
  const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
  const stdoutListeners: Array<(chunk: Buffer) => void> = [];
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const listener of stdoutListeners) listener(chunk);
      callback();
    },
  });
  container.modem.demuxStream(stream, stdout, discard);
  return HarnessShell.start({
    write: (data) => {
      if (!stream.destroyed) stream.write(data);
    },
    onStdout: (listener) => stdoutListeners.push(listener),
    onEnd: (listener) => onStreamEnd(stream, listener),
    kill: async (pid) => {
      try {
        if (pid > 0) await killProcessTree(pid, true);
      } finally {
        stream.destroy();
      }
    },
    destroy: () => stream.destroy(),
  });
}
