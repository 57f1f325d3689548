import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PodExecError, exitCodeOf, wrapCommand } from '../../../src/environment/kubernetes/pod-exec.js';

describe('exitCodeOf', () => {
  it('reads the exit code from the exec status channel as the kubelet writes it', () => {
    expect(exitCodeOf({ metadata: {}, status: 'Success' })).toBe(0);
    expect(
      exitCodeOf({
        metadata: {},
        status: 'Failure',
        message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      }),
    ).toBe(3);
  });

  it('throws for a failure that carries no exit code (the command never ran)', () => {
    expect(() => exitCodeOf({ metadata: {}, status: 'Failure', reason: 'InternalError', message: 'container not found ("sandbox")' })).toThrow(PodExecError);
  });
});

describe('wrapCommand', () => {
  it('sets the working directory, the environment and the in-pod timeout, keeping argv intact', () => {
    const argv = wrapCommand(['bash', '-c', 'pwd; echo "$A $1"', 'x', 'it s'], { cwd: '/tmp', env: { A: 'a b' }, timeoutS: 5 });
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })).toBe('/tmp\na b it s\n');
  });

  it('merges stderr into stdout in the pod unless asked to keep them apart', () => {
    const script = ['bash', '-c', 'echo out; echo err >&2'];
    const merged = wrapCommand(script, { cwd: '/' });
    expect(execFileSync(merged[0]!, merged.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toBe('out\nerr\n');
    const apart = wrapCommand(script, { cwd: '/', separateStderr: true });
    expect(execFileSync(apart[0]!, apart.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toBe('out\n');
  });

  it('fails with 126 when the working directory is missing', () => {
    const argv = wrapCommand(['true'], { cwd: '/no/such/dir' });
    expect(() => execFileSync(argv[0]!, argv.slice(1), { stdio: 'pipe' })).toThrow(expect.objectContaining({ status: 126 }));
  });
});
