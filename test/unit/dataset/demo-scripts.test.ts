import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_DATASET_PATH, DEMO_DIR, demoRepoSourceDir, materializeRepo } from '../../../src/benchmarks/demo/demo-repo.js';
import { parseJsonLines } from '../../../src/dataset/read-records.js';
import { SweBenchInstanceSchema } from '../../../src/dataset/schema.js';

const StepSchema = z.discriminatedUnion('tool', [
  z.object({ thought: z.string().min(1), tool: z.literal('bash'), arguments: z.object({ command: z.string().min(1) }).strict() }),
  z.object({
    thought: z.string().min(1),
    tool: z.literal('str_replace_editor'),
    arguments: z.union([
      z.object({ command: z.literal('view'), path: z.string().startsWith('/testbed') }).strict(),
      z.object({ command: z.literal('create'), path: z.string().startsWith('/testbed/'), file_text: z.string() }).strict(),
      z.object({ command: z.literal('str_replace'), path: z.string().startsWith('/testbed/'), old_str: z.string().min(1), new_str: z.string() }).strict(),
    ]),
  }),
  z.object({ thought: z.string().min(1), tool: z.literal('submit'), arguments: z.object({}).strict() }),
]);
type Step = z.infer<typeof StepSchema>;
const ScriptSchema = z.object({ instance_id: z.string(), fix: z.array(StepSchema), wrong: z.array(StepSchema) }).strict();

const rows = parseJsonLines(readFileSync(DEMO_DATASET_PATH, 'utf8'), DEMO_DATASET_PATH).map(({ value }) =>
  SweBenchInstanceSchema.parse(value),
);
const scratch = mkdtempSync(path.join(tmpdir(), 'sera-eval-demo-scripts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/**
 * Play the editor calls on a checkout as SWE-agent's str_replace_editor would (create refuses to
 * overwrite; str_replace needs exactly one match) and honour `rm` of files the agent created; return
 * the patch the agent would submit, without `index` lines, like the gold patches in demo.jsonl.
 */
function playEdits(steps: Step[], repoDir: string): string {
  const onHost = (p: string) => path.join(repoDir, path.relative('/testbed', p));
  for (const step of steps) {
    if (step.tool === 'bash' && step.arguments.command.startsWith('rm ')) {
      for (const target of step.arguments.command.slice(3).trim().split(/\s+/)) rmSync(onHost(target));
    }
    if (step.tool !== 'str_replace_editor') continue;
    const args = step.arguments;
    if (args.command === 'create') {
      expect(existsSync(onHost(args.path)), `${args.path} must not exist before create`).toBe(false);
      writeFileSync(onHost(args.path), args.file_text);
    } else if (args.command === 'str_replace') {
      const text = readFileSync(onHost(args.path), 'utf8');
      expect(text.split(args.old_str).length - 1, `old_str must match once in ${args.path}`).toBe(1);
      writeFileSync(onHost(args.path), text.replace(args.old_str, () => args.new_str));
    } else {
      expect(existsSync(onHost(args.path)), `${args.path} must exist to be viewed`).toBe(true);
    }
  }
  git(repoDir, ['add', '-A']);
  return git(repoDir, ['diff', '--cached']).split('\n').filter((line) => !line.startsWith('index ')).join('\n');
}

describe.each(rows.map((row) => [row.instance_id, row] as const))('datasets/demo/scripts/%s', (id, row) => {
  const script = ScriptSchema.parse(JSON.parse(readFileSync(path.join(DEMO_DIR, 'scripts', `${id}.json`), 'utf8')));

  it('names its instance and ends each behaviour with the second of two submit calls (review stage)', () => {
    expect(script.instance_id).toBe(id);
    for (const steps of [script.fix, script.wrong]) {
      expect(steps.filter((s) => s.tool === 'submit')).toHaveLength(2);
      expect(steps.at(-1)?.tool).toBe('submit');
    }
  });

  it('fix: reproduces, tests, and submits exactly the gold patch', async () => {
    const repoDir = path.join(scratch, `${id}-fix`);
    await materializeRepo(demoRepoSourceDir(row.repo), repoDir);
    expect(playEdits(script.fix, repoDir)).toBe(row.patch);
    const commands = script.fix.flatMap((s) => (s.tool === 'bash' ? [s.arguments.command] : []));
    expect(commands.some((c) => c.includes('python reproduce.py'))).toBe(true);
    expect(commands.some((c) => c.includes('pytest'))).toBe(true);
  });

  it('wrong: makes an edit that applies but differs from the gold patch', async () => {
    const repoDir = path.join(scratch, `${id}-wrong`);
    await materializeRepo(demoRepoSourceDir(row.repo), repoDir);
    const patch = playEdits(script.wrong, repoDir);
    expect(patch).toMatch(/^diff --git a\//);
    expect(patch).not.toBe(row.patch);
  });

  it('has a plain description of the fix, wrong and overflow behaviours', () => {
    const text = readFileSync(path.join(DEMO_DIR, 'scripts', `${id}.md`), 'utf8');
    expect(text.startsWith(`# ${id}: `)).toBe(true);
    for (const heading of ['## Behaviour `fix`', '## Behaviour `wrong`', '## Behaviour `overflow`']) expect(text).toContain(heading);
  });
});
