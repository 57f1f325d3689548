/**
 * The harness shell in a real container: the agent's per-step operations (the bash -n check, the
 * diff after the step, the editor's path check, read and write) start no `docker exec` once the
 * container's two shells are up, as the daemon's own exec_create events show; a harness shell the
 * model killed is replaced.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelPatchFile } from '../../src/agents/sera/tools/model-patch-file.js';
import { ToolRunner } from '../../src/agents/sera/tools/tool-runner.js';
import { DockerEnvironment } from '../../src/environment/docker/docker-environment.js';
import { removeContainersByLabel } from '../../src/environment/docker/container-registry.js';
import { requireDocker } from '../support/docker.js';
import { CONTRACT_IMAGE, buildContractImage } from '../support/fixture-images.js';

const { available, docker } = await requireDocker();
const runId = `harness-${randomBytes(4).toString('hex')}`;
/** Kills the harness bash (`bash --noprofile --norc`, started by docker exec) from the model's shell. */
const KILL_HARNESS = `for p in /proc/[0-9]*; do case "$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)" in 'bash --noprofile --norc '*) kill -9 \${p#/proc/} && echo killed;; esac; done`;

/** The processes the daemon reports exec_create for, in one container, while `work` runs. */
async function execsDuring(containerId: string, work: () => Promise<void>): Promise<string[]> {
  // event times are whole seconds: start at the next one, so nothing from before is counted
  await sleep(1000 - (Date.now() % 1000) + 50);
  const since = Math.floor(Date.now() / 1000);
  await work();
  const until = Math.floor(Date.now() / 1000) + 1;
  const stream = await docker.getEvents({ since, until, filters: { container: [containerId], event: ['exec_create'] } });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => (JSON.parse(line) as { status?: string; Action?: string }).status ?? (JSON.parse(line) as { Action?: string }).Action ?? line);
}

describe.skipIf(!available)('DockerEnvironment harness shell', () => {
  const open: DockerEnvironment[] = [];
  const start = async () => {
    const env = await DockerEnvironment.start({ docker, image: CONTRACT_IMAGE, name: `sera-eval-${runId}-${open.length + 1}`, labels: { 'sera-eval.run-id': runId } });
    open.push(env);
    return env;
  };
  beforeAll(() => buildContractImage(docker));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((env) => env.close()));
  });
  afterAll(() => removeContainersByLabel(docker, runId));

  it('runs bash and editor steps with their checks, reads, writes and diffs without a docker exec', async () => {
    const env = await start();
    const patchFile = new ModelPatchFile();
    const tools = new ToolRunner(env, patchFile, { problemStatement: 'p' });
    const step = async (action: Parameters<ToolRunner['execute']>[0]) => {
      const { observation } = await tools.execute(action);
      await patchFile.refresh(env);
      return observation;
    };
    await step({ tool: 'bash', toolCallId: 'w', command: 'true' }); // both shells up
    let observations: string[] = [];
    const execs = await execsDuring(env.id, async () => {
      observations = [
        await step({ tool: 'bash', toolCallId: 'a', command: 'cat README.md' }),
        await step({ tool: 'str_replace_editor', toolCallId: 'b', values: { command: 'view', path: '/testbed/README.md' } }),
        await step({ tool: 'str_replace_editor', toolCallId: 'c', values: { command: 'str_replace', path: '/testbed/README.md', old_str: 'hello', new_str: 'bye' } }),
      ];
    });
    expect(observations[0]).toBe('hello\n');
    expect(observations[1]).toBe("Here's the result of running `cat -n` on /testbed/README.md:\n     1\thello\n     2\t\n\n");
    expect(observations[2]).toContain('The file /testbed/README.md has been edited.');
    expect(patchFile.last).toContain('-hello\n+bye\n');
    expect(execs).toEqual([]);
  });

  it('replaces a harness shell the model killed, and keeps an existing file mode on write', async () => {
    const env = await start();
    await env.run("printf '%s\\n' '#!/bin/sh' 'echo one' > /testbed/tool.sh && chmod 755 /testbed/tool.sh");
    expect((await env.exec(['/testbed/tool.sh'])).output).toBe('one\n');
    expect((await env.run(KILL_HARNESS)).output).toBe('killed\n');
    await env.writeFile('/testbed/tool.sh', '#!/bin/sh\necho two\n');
    expect((await env.exec(['/testbed/tool.sh'])).output).toBe('two\n');
    expect((await env.run('stat -c %a /testbed/tool.sh')).output).toBe('755\n');
  });
});
