/**
 * Bash tool round trip: a trivial command through the DockerEnvironment persistent shell (`run`, what
 * the agent's bash tool uses, SWE-ReX's exit-code line after each command included) beside the same
 * command as a process of the harness shell (`exec`) and as a fresh `docker exec` (what `exec` was
 * before), and a small file written both ways; interleaved so all see the same machine load.
 */
import type Dockerode from 'dockerode';
import { RUN_ID_LABEL } from '../src/environment/docker/container-registry.js';
import { DockerEnvironment } from '../src/environment/docker/docker-environment.js';
import { imageNameFor } from '../src/benchmarks/swe-bench/image-names.js';
import { DEMO_IMAGE_TEMPLATE } from '../src/benchmarks/demo/demo-images.js';
import { demoRows, ensureDemoImages } from '../test/support/demo-fixtures.js';
import { FreshExecEnvironment } from './fresh-exec-environment.js';
import type { Section, SectionResult } from './section.js';
import { fmt, median, percentile } from './stats.js';

const COMMAND = 'echo hi';
const WARM_UP = 5;

async function timed(work: () => Promise<{ output: string; exitCode: number | null }>, label: string): Promise<number> {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  if (result.exitCode !== 0 || result.output.trim() !== 'hi') {
    throw new Error(`${label}: \`${COMMAND}\` gave exit ${result.exitCode} and ${JSON.stringify(result.output.slice(0, 200))}`);
  }
  return ms;
}

export const bashRoundTripSection: Section = {
  title: `Bash tool round trip (\`${COMMAND}\` in a demo container)`,
  needs: 'docker',
  async run(quick, docker: Dockerode): Promise<SectionResult> {
    const iterations = quick ? 40 : 200;
    await ensureDemoImages(docker);
    const row = demoRows()[0]!;
    const env = await DockerEnvironment.start({
      docker,
      image: imageNameFor(row, DEMO_IMAGE_TEMPLATE),
      name: `sera-eval-bench-shell-${process.pid}-${Date.now()}`,
      labels: { [RUN_ID_LABEL]: `bench-${process.pid}` },
    });
    const fresh = new FreshExecEnvironment(docker, env);
    const timedWrite = (target: { writeFile(path: string, content: string): Promise<void> }) => async () => {
      const started = performance.now();
      await target.writeFile('/tmp/sera-eval-bench-command', COMMAND);
      return performance.now() - started;
    };
    const paths: Array<[string, () => Promise<number>]> = [
      ['env.run (persistent shell)', () => timed(() => env.run(COMMAND), 'persistent shell')],
      ['env.exec (harness shell)', () => timed(() => env.exec(['bash', '-c', COMMAND]), 'harness shell')],
      ['a fresh docker exec (exec before the harness shell)', () => timed(() => fresh.exec(['bash', '-c', COMMAND]), 'docker exec')],
      ['env.writeFile (harness shell)', timedWrite(env)],
      ['archive API put (writeFile before the harness shell)', timedWrite(fresh)],
    ];
    const samples = paths.map((): number[] => []);
    try {
      for (let i = 0; i < WARM_UP; i++) for (const [, work] of paths) await work();
      for (let i = 0; i < iterations; i++) {
        // alternate the order, so no path always follows another
        const order = paths.map((_, index) => index);
        if (i % 2 === 1) order.reverse();
        for (const index of order) samples[index]!.push(await paths[index]![1]());
      }
    } finally {
      await env.close();
    }
    const [shell, exec, dockerExec] = samples as [number[], number[], number[]];
    return {
      head: ['path', 'iterations', 'median', 'p99'],
      rows: paths.map(([name], index) => [name, String(samples[index]!.length), fmt.ms(median(samples[index]!)), fmt.ms(percentile(samples[index]!, 99))]),
      notes: [
        `persistent shell vs a fresh docker exec: ${fmt.ratio(median(dockerExec) / median(shell))} at the median, ` +
          `${fmt.ratio(percentile(dockerExec, 99) / percentile(shell, 99))} at p99; harness shell vs a fresh docker exec: ` +
          `${fmt.ratio(median(dockerExec) / median(exec))} at the median (${WARM_UP} warm-up rounds not counted)`,
      ],
    };
  },
};
