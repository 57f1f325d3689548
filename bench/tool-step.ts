/**
 * Harness time per tool step in a demo container: a bash step and editor view/edit steps as the
 * agent runs them (ToolRunner.execute, then ModelPatchFile.refresh, which every action is followed
 * by), beside the command alone through the persistent shell; and the bash step with its syntax check
 * and diff sent through the already-open shell instead of a fresh `docker exec` each, the cost that
 * "one round trip per tool step" removes. Interleaved so all paths see the same machine load.
 */
import type Dockerode from 'dockerode';
import { ModelPatchFile } from '../src/agents/sera/tools/model-patch-file.js';
import { ToolRunner } from '../src/agents/sera/tools/tool-runner.js';
import { RUN_ID_LABEL } from '../src/environment/docker/container-registry.js';
import { DockerEnvironment } from '../src/environment/docker/docker-environment.js';
import { imageNameFor } from '../src/benchmarks/swe-bench/image-names.js';
import { DEMO_IMAGE_TEMPLATE } from '../src/benchmarks/demo/demo-images.js';
import { demoRows, ensureDemoImages } from '../test/support/demo-fixtures.js';
import type { Section, SectionResult } from './section.js';
import { fmt, median, percentile } from './stats.js';

const COMMAND = 'ls textwrapx';
const FILE = '/testbed/textwrapx/truncate.py';
/** The agent's post-step diff (model-patch-file.ts PATCH_COMMAND) and syntax check (bash-tool.ts), through the shell. */
const PATCH_VIA_SHELL = `(set -o pipefail; cd /testbed 2>/dev/null && { git add -A && git diff --cached; } 2>/dev/null | base64 -w0)`;
const CHECK_VIA_SHELL = `/usr/bin/env bash -n << 'SOUNIQUEEOF'\n${COMMAND}\nSOUNIQUEEOF`;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export const toolStepSection: Section = {
  title: 'Tool step harness time (demo container; median and p90)',
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
    const samples: Record<string, number[]> = { command: [], bash: [], bashViaShell: [], view: [], edit: [] };
    try {
      const patchFile = new ModelPatchFile();
      const tools = new ToolRunner(env, patchFile, { problemStatement: row.problem_statement });
      const original = (await env.readFile(FILE)).toString('utf8');
      const line = original.split('\n').find((l) => l.trim().length > 8)!;
      const step = async (action: Parameters<ToolRunner['execute']>[0]) => {
        await tools.execute(action);
        await patchFile.refresh(env);
      };
      const rounds: Array<[string, () => Promise<unknown>]> = [
        ['command', () => env.run(COMMAND)],
        ['bash', () => step({ tool: 'bash', toolCallId: 'c', command: COMMAND })],
        ['bashViaShell', async () => {
          await env.run(CHECK_VIA_SHELL);
          await env.run(COMMAND);
          await env.run(PATCH_VIA_SHELL);
        }],
        ['view', () => step({ tool: 'str_replace_editor', toolCallId: 'c', values: { command: 'view', path: FILE } })],
        ['edit', async () => {
          // two edits that undo each other, so every round sees the same file
          await step({ tool: 'str_replace_editor', toolCallId: 'c', values: { command: 'str_replace', path: FILE, old_str: line, new_str: `${line}  # x` } });
          await step({ tool: 'str_replace_editor', toolCallId: 'c', values: { command: 'str_replace', path: FILE, old_str: `${line}  # x`, new_str: line } });
        }],
      ];
      for (const [, work] of rounds) await work(); // warm-up
      for (let i = 0; i < iterations; i++) {
        const order = i % 2 === 0 ? rounds : [...rounds].reverse();
        for (const [name, work] of order) {
          const ms = await timed(work);
          samples[name]!.push(name === 'edit' ? ms / 2 : ms);
        }
      }
    } finally {
      await env.close();
    }
    const command = median(samples.command!);
    const line = (name: string, label: string, subtract: boolean) => {
      const s = samples[name]!;
      const harness = subtract ? s.map((ms) => ms - command) : s;
      return [label, String(s.length), fmt.ms(median(s)), fmt.ms(percentile(s, 90)), subtract ? fmt.ms(median(harness)) : '—'];
    };
    const bashHarness = median(samples.bash!) - command;
    const shellHarness = median(samples.bashViaShell!) - command;
    return {
      head: ['step', 'n', 'median', 'p90', 'harness (median − command)'],
      rows: [
        line('command', `the command alone (\`${COMMAND}\` through the shell)`, false),
        line('bash', 'bash step as built: fresh exec for `bash -n` and for the diff', true),
        line('bashViaShell', 'bash step with `bash -n` and the diff through the open shell', true),
        line('view', 'editor view step as built (+ diff)', false),
        line('edit', 'editor str_replace step as built (+ diff)', false),
      ],
      notes: [
        `bash step harness time: ${fmt.ms(bashHarness)} as built vs ${fmt.ms(shellHarness)} through the open shell (${fmt.ratio(bashHarness / shellHarness)}); goal ≤ 60 ms beyond the command`,
      ],
    };
  },
};
