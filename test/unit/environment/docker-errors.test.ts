import { describe, expect, it } from 'vitest';
import { EnvironmentUnavailableError } from '../../../src/environment/environment.js';
import { daemonMessage, isPathRefusal, withDaemonRetry } from '../../../src/environment/docker/docker-errors.js';

/** docker-modem's error shape, as it rejects for a daemon answer. */
function modemError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json: { message } });
}

describe('withDaemonRetry', () => {
  it('retries 5xx answers with backoff until one succeeds', async () => {
    let calls = 0;
    const result = await withDaemonRetry('op', async () => {
      calls += 1;
      if (calls < 3) throw modemError(500, 'server error');
      return 'ok';
    }, { baseDelayMs: 1 });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('turns a daemon that stays unreachable into EnvironmentUnavailableError', async () => {
    let calls = 0;
    const attempt = withDaemonRetry('inspecting x', async () => {
      calls += 1;
      throw Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
    }, { attempts: 2, baseDelayMs: 1 });
    await expect(attempt).rejects.toBeInstanceOf(EnvironmentUnavailableError);
    await expect(attempt).rejects.toThrow(/inspecting x: Docker daemon failed 2 times/);
    expect(calls).toBe(2);
  });

  it('does not retry a 4xx answer', async () => {
    let calls = 0;
    const notFound = modemError(404, 'No such container: abc');
    await expect(withDaemonRetry('op', async () => {
      calls += 1;
      throw notFound;
    }, { baseDelayMs: 1 })).rejects.toBe(notFound);
    expect(calls).toBe(1);
  });
});

describe('isPathRefusal', () => {
  // Real answers of dockerd 20.10's archive API, which reports bad paths as 500.
  const underAFile = Object.assign(new Error('(HTTP code 500) server error - extraction point is not a directory '), {
    statusCode: 500,
    json: { message: 'extraction point is not a directory' },
  });
  const lstat = Object.assign(
    new Error('(HTTP code 500) server error - lstat /var/lib/docker/overlay2/f9e9/merged/testbed/README.md/x: not a directory '),
    { statusCode: 500, json: null },
  );

  it('treats bad paths as refusals, not retried', async () => {
    expect(isPathRefusal(underAFile)).toBe(true);
    expect(isPathRefusal(lstat)).toBe(true);
    expect(isPathRefusal(modemError(500, 'server error'))).toBe(false);
    let calls = 0;
    await expect(withDaemonRetry('op', async () => {
      calls += 1;
      throw lstat;
    }, { baseDelayMs: 1 })).rejects.toBe(lstat);
    expect(calls).toBe(1);
  });

  it('names the container path, not the host overlay directory', () => {
    expect(daemonMessage(lstat)).toBe('lstat /testbed/README.md/x: not a directory');
  });
});

describe('daemonMessage', () => {
  it("prefers the daemon's own message", () => {
    expect(daemonMessage(modemError(404, 'No such image: x:latest'))).toBe('No such image: x:latest');
  });
});
