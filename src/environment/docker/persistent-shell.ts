/**
 * The agent's shell in a container: an interactive bash attached over the Docker API (an exec with
 * a pty and stdin hijacked), driven by ShellSession as SWE-ReX drives its pexpect session. `cd` and
 * exports persist; a timeout sends Ctrl-C through the pty, which the kernel delivers as SIGINT to
 * the foreground job.
 */
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { onStreamEnd } from './stream-end.js';
import { SWE_REX_PS1, ShellSession, type ShellTransport } from '../shell-session.js';

/** What the shell needs from its container besides the pty. */
export interface ShellHost {
  container: Dockerode.Container;
  /** SIGKILL every process descended from `pid` (and `pid` itself when `includeRoot`). */
  killProcessTree(pid: number, includeRoot: boolean): Promise<void>;
}

/**
 * SWE-ReX's server runs in the container with the image's environment, which its Docker deployment
 * extends with `ENV LD_LIBRARY_PATH=/root/python3.11/lib:${LD_LIBRARY_PATH:-}` (the standalone Python
 * SWE-agent installs for batch runs: swerex/deployment/docker.py, sweagent/run/batch_instances.py 155),
 * and has no TERM (`docker run` without -t); pexpect adds PS1/PS2/PS0 and runs `/usr/bin/env bash`.
 * Docker sets TERM=xterm on an exec with a tty, so it is removed here.
 */
const SPAWN_SCRIPT = 'export LD_LIBRARY_PATH=/root/python3.11/lib:${LD_LIBRARY_PATH:-}; unset TERM; exec /usr/bin/env bash';

export async function startDockerShell(host: ShellHost, workdir: string, startupLines: string[]): Promise<ShellSession> {
  const exec = await host.container.exec({
    Cmd: ['/bin/sh', '-c', SPAWN_SCRIPT],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    WorkingDir: workdir,
    Env: [`PS1=${SWE_REX_PS1}`, 'PS2=', 'PS0='],
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  return ShellSession.start(dockerTransport(host, exec, stream), startupLines);
}

function dockerTransport(host: ShellHost, exec: Dockerode.Exec, stream: Duplex): ShellTransport {
  return {
    write: (text) => {
      if (!stream.destroyed) stream.write(text);
    },
    onData: (listener) => stream.on('data', listener),
    onEnd: (listener) => onStreamEnd(stream, listener),
    killProcessTree: (pid, includeRoot) => host.killProcessTree(pid, includeRoot),
    exitCode: async () => (await exec.inspect()).ExitCode ?? 1,
    destroy: () => stream.destroy(),
  };
}
