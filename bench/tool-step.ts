/**
 * Harness time per tool step in a demo container: a bash step and editor view / str_replace steps as
 * the agent runs them (ToolRunner.execute, then ModelPatchFile.refresh, which follows every action),
 * done the old way (a fresh `docker exec` for the `bash -n` check, the diff and each editor path
 * check; the archive API for reads and writes: FreshExecEnvironment) and as built (all of them through
 * the container's harness shell), beside the command alone through the model's shell. Interleaved so
 * both ways see the same machine load.
 */
import type Dockerode from 'dockerode';
import { ModelPatchFile } from '../src/agents/sera/tools/model-patch-file.js';
import { ToolRunner } from '../src/agents/sera/tools/tool-runner.js';
import { RUN_ID_LABEL } from '../src/environment/docker/container-registry.js';
import { DockerEnvironment } from '../src/environment/docker/docker-environment.js';
import type { Environment } from '../src/environment/environment.js';
import { imageNameFor } from '../src/benchmarks/swe-bench/image-names.js';
import { DEMO_IMAGE_TEMPLATE } from '../src/benchmarks/demo/demo-images.js';
import { demoRows, ensureDemoImages } from '../test/support/demo-fixtures.js';
import { FreshExecEnvironment } from './fresh-exec-environment.js';
import type { Section, SectionResult } from './section.js';
import { fmt, median, percentile } from './stats.js';

const COMMAND = 'ls textwrapx';
const FILE = '/testbed/textwrapx/truncate.py';
/** The goal of issue 12: harness time per bash step beyond the command itself. */
const BASH_GOAL_MS = 60;

type Action = Parameters<ToolRunner['execute']>[0];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** One agent step (the tool, then the diff that follows every action) over `env`. */
function stepper(env: Environment, problemStatement: string): (action: Action) => Promise<string> {
  const patchFile = new ModelPatchFile();
  const tools = new ToolRunner(env, patchFile, { problemStatement });
  return async (action) => {
    const { observation } = await tools.execute(action);
    await patchFile.refresh(env);
    return observation;
  };
}

export const toolStepSection: Section = {
  title: 'Tool step harness time, fresh docker exec (old) vs the harness shell (new) (demo container)',
  needs: 'docker',
  async run(quick, docker: Dockerode): Promise<SectionResult> {
    const iterations = quick ? 10 : 60;
    await ensureDemoImages(docker);
    const row = demoRows().find((r) => r.instance_id.includes('textwrapx')) ?? demoRows()[0]!;
    const env = await DockerEnvironment.start({
      docker,
      image: imageNameFor(row, DEMO_IMAGE_TEMPLATE),
      name: `sera-eval-bench-tool-step-${process.pid}-${Date.now()}`,
      labels: { [RUN_ID_LABEL]: `bench-${process.pid}` },
    });
    const ways = { old: new FreshExecEnvironment(docker, env), new: env };
    const samples: Record<string, number[]> = {};
    try {
      const original = (await env.readFile(FILE)).toString('utf8');
      const line = original.split('\n').find((l) => l.trim().length > 8)!;
      const rounds: Array<[string, () => Promise<unknown>]> = [['command', () => env.run(COMMAND)]];
      const observations = new Map<string, string>();
      for (const [way, wayEnv] of Object.entries(ways)) {
        const step = stepper(wayEnv, row.problem_statement);
        const observe = async (name: string, action: Action) => {
          const observation = await step(action);
          // old and new must show the model the same bytes
          const seen = observations.get(name);
          if (seen !== undefined && seen !== observation) throw new Error(`${name}: the ${way} way observed something else`);
          observations.set(name, observation);
        };
        rounds.push(
          [`bash/${way}`, () => observe('bash', { tool: 'bash', toolCallId: 'c', command: COMMAND })],
          [`view/${way}`, () => observe('view', { tool: 'str_replace_editor', toolCallId: 'c', values: { command: 'view', path: FILE } })],
          [
            `edit/${way}`,
            async () => {
              // two edits that undo each other, so every round sees the same file
              await observe('edit', { tool: 'str_replace_editor', toolCallId: 'c', values: { command: 'str_replace', path: FILE, old_str: line, new_str: `${line}  # x` } });
              await observe('unedit', { tool: 'str_replace_editor', toolCallId: 'c', values: { command: 'str_replace', path: FILE, old_str: `${line}  # x`, new_str: line } });
            },
          ],
        );
      }
      for (const [, work] of rounds) await work(); // warm-up (starts the harness shell)
      for (const [name] of rounds) samples[name] = [];
      for (let i = 0; i < iterations; i++) {
        const order = i % 2 === 0 ? rounds : [...rounds].reverse();
        for (const [name, work] of order) {
          const ms = await timed(work);
          samples[name]!.push(name.startsWith('edit/') ? ms / 2 : ms);
        }
      }
    } finally {
      await env.close();
    }
    const command = median(samples.command!);
    const row_ = (label: string, step: string) => {
      const [old, now] = [samples[`${step}/old`]!, samples[`${step}/new`]!];
      return [label, String(now.length), fmt.ms(median(old)), fmt.ms(percentile(old, 90)), fmt.ms(median(now)), fmt.ms(percentile(now, 90)), fmt.ratio(median(old) / median(now))];
    };
    const cmd = samples.command!;
    const bashHarness = { old: median(samples['bash/old']!) - command, new: median(samples['bash/new']!) - command };
    return {
      head: ['step (tool + diff after it)', 'n', 'old median', 'old p90', 'new median', 'new p90', 'old/new'],
      rows: [
        [`the command alone (\`${COMMAND}\`, model's shell)`, String(cmd.length), '—', '—', fmt.ms(command), fmt.ms(percentile(cmd, 90)), '—'],
        row_('bash step (bash -n, command, diff)', 'bash'),
        row_('editor view step (path check, read, diff)', 'view'),
        row_('editor str_replace step (path check, read, write, diff)', 'edit'),
      ],
      notes: [
        `bash step harness time (median − command): ${fmt.ms(bashHarness.old)} old, ${fmt.ms(bashHarness.new)} new ` +
          `(${fmt.ratio(bashHarness.old / bashHarness.new)}); goal ≤ ${BASH_GOAL_MS} ms: ${bashHarness.new <= BASH_GOAL_MS ? 'met' : 'NOT met'}`,
        'old: a fresh docker exec per process and the archive API per file; new: one harness shell per container. Observations compared equal.',
      ],
    };
  },
};
