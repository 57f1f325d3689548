/** Planning an evaluate run builds the run spec: the same format as a rollout run, with nothing rolled out. */
import { describe, expect, it } from 'vitest';
import { DEMO_DATASET_PATH } from '../../../src/benchmarks/demo/demo-repo.js';
import { planEvaluation } from '../../../src/pipeline/plan-evaluation.js';

describe('planEvaluation', () => {
  it('builds the spec from the request: the rows and predictions chosen, agent and model null, the sandbox facts kept', async () => {
    const planned = await planEvaluation({
      runId: 'e',
      selection: { dataset: DEMO_DATASET_PATH, filters: { limit: 2 } },
      skipUnsupported: false,
      imageTemplate: 'local',
      predictions: 'gold',
      sandbox: { name: 'kubernetes', config: { namespace: 'evals' }, facts: { cluster: 'https://k8s:6443', network_policy: 'present' } },
      grading: { timeout_s: 60, max_output_bytes: 1024, network: false, memory_bytes: 2 ** 30, pids_limit: 64, cpus: 1 },
      workers: 3,
    });
    expect(planned.rows).toHaveLength(2);
    expect(planned.predictions.map((p) => p.model_name_or_path)).toEqual(['gold', 'gold']);
    expect(planned.spec).toMatchObject({
      command: 'evaluate',
      benchmark: { name: 'demo', filters: { limit: 2 }, image_template: 'local' },
      model_name_or_path: 'gold',
      agent: null,
      model: null,
      predictions: 'gold',
      sandbox: { name: 'kubernetes', facts: { cluster: 'https://k8s:6443', network_policy: 'present' } },
      execution: { concurrency: null, eval_workers: 3 },
    });
    expect(Object.keys(planned.spec.run_card!.images)).toEqual(planned.rows.map((r) => r.instance_id));
  });
});
