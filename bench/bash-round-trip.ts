/**
 * Bash tool round trip: a trivial command through the DockerEnvironment persistent shell (`run`, what
 * the agent's bash tool uses, SWE-ReX's exit-code line after each command included) beside the same
 * command as a fresh `docker exec` process (`exec`), interleaved so both see the same machine load.
 */
import type Dockerode from 'dockerode';
import { RUN_ID_LABEL } from '../src/environment/docker/container-registry.js';
import { DockerEnvironment } from '../src/environment/docker/docker-environment.js';
import { imageNameFor } from '../src/benchmarks/swe-bench/image-names.js';
import { DEMO_IMAGE_TEMPLATE } from '../src/benchmarks/demo/demo-images.js';
import { demoRows, ensureDemoImages } from '../test/support/demo-fixtures.js';
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
    const shell: number[] = [];
    const exec: number[] = [];
    const write: number[] = [];
    try {
      const viaShell = () => timed(() => env.run(COMMAND), 'persistent shell');
      const viaExec = () => timed(() => env.exec(['bash', '-c', COMMAND]), 'docker exec');
      // the archive API, timed alone: what typing a long command through the pty saves over copying it
      const viaArchive = async () => {
        const started = performance.now();
        await env.writeFile('/tmp/sera-eval-bench-command', COMMAND);
        return performance.now() - started;
      };
      for (let i = 0; i < WARM_UP; i++) {
        await viaShell();
        await viaExec();
      }
      for (let i = 0; i < iterations; i++) {
        // alternate which goes first, so neither always follows the other
        if (i % 2 === 0) {
          shell.push(await viaShell());
          exec.push(await viaExec());
          write.push(await viaArchive());
        } else {
          write.push(await viaArchive());
          exec.push(await viaExec());
          shell.push(await viaShell());
        }
      }
    } finally {
      await env.close();
    }
    const line = (name: string, samples: number[]) => [name, String(samples.length), fmt.ms(median(samples)), fmt.ms(percentile(samples, 99))];
    return {
      head: ['path', 'iterations', 'median', 'p99'],
      rows: [
        line('env.run (persistent shell)', shell),
        line('env.exec (fresh docker exec)', exec),
        line('env.writeFile (archive API; run never needs it)', write),
      ],
      notes: [
        `speedup of the persistent shell: ${fmt.ratio(median(exec) / median(shell))} at the median, ` +
          `${fmt.ratio(percentile(exec, 99) / percentile(shell, 99))} at p99 (${WARM_UP} warm-up rounds not counted)`,
      ],
    };
  },
};
