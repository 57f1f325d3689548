/**
 * The run card as lines a person reads at the top of every report: which code, which data, which
 * served model under which settings produced these numbers. Built from run.json and images.json,
 * so runs from before the card was recorded show what they have.
 */
import type { RunSpec } from '../run-dir/run-spec.js';
import type { ImageLedger } from '../run-dir/schemas.js';

/** Qwen3's native context window; beyond it a served model is rope-scaled (YaRN). */
const QWEN3_NATIVE_WINDOW = 32768;

const or = (value: string | number | null | undefined, missing = 'not recorded'): string =>
  value === null || value === undefined ? missing : String(value);

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export function runCardLines(manifest: RunSpec, images: ImageLedger | null = null): string[] {
  const v = manifest.versions;
  const card = manifest.run_card;
  const dataset = manifest.benchmark.dataset;
  const lines = [
    `sera-eval ${or(v['sera-eval'])} (commit ${or(v.git_revision?.slice(0, 12))}), node ${or(v.node)}`,
    `dataset ${dataset.source} (revision ${or(dataset.revision, 'unknown')}), sha256 ${dataset.sha256}, ` +
      `${dataset.rows} rows, ${manifest.benchmark.instances.length} instances selected`,
  ];
  for (const [context, e] of Object.entries(manifest.model?.endpoints ?? {})) {
    const served = card?.endpoints[context];
    const window = served?.max_model_len ?? e.max_model_len;
    lines.push(
      `endpoint ${context}: model ${or(served?.model ?? e.model ?? manifest.model_name_or_path)}, checkpoint ${or(served?.root, 'not reported')}, ` +
        `max_model_len ${or(window, 'not reported')}, server version ${or(served?.server_version, 'not reported')}, harness budget ${e.context_tokens} tokens`,
    );
    if (window !== null && window !== undefined && e.context_tokens < window) {
      lines.push(
        `note: the ${context} numbers come from a server with a ${window}-token window held to ${e.context_tokens} tokens by the harness; ` +
          `that is not the same as serving ${context} natively` +
          (window > QWEN3_NATIVE_WINDOW ? ` (for a Qwen3-based model such as SERA, a window beyond its native ${QWEN3_NATIVE_WINDOW} tokens means a rope-scaled model)` : '') +
          '.',
      );
    }
  }
  if (manifest.model) {
    const s = manifest.model.sampling;
    lines.push(`sampling: temperature ${s.temperature}, top_p ${s.top_p}, max_tokens ${or(s.max_tokens, 'server default')}; seeds ${manifest.seeds.join(',') || '–'}`);
  }
  if (manifest.limits) lines.push(`limits: max_steps ${manifest.limits.max_steps}, rollout timeout ${or(manifest.limits.rollout_timeout_s, 'none')} s`);
  if (manifest.grading) {
    const g = manifest.grading;
    lines.push(`grading: timeout ${g.timeout_s} s, memory ${gib(g.memory_bytes)}, pids ${g.pids_limit}, network ${g.network ? 'on' : 'off'}`);
  }
  lines.push(`images: template ${or(manifest.benchmark.image_template)}`);
  lines.push(`container engine: ${engines(images)}`);
  for (const [instanceId, name] of Object.entries(card?.images ?? {})) lines.push(`image ${instanceId}: ${name}, ${imageUsed(images?.images[name])}`);
  return lines;
}

function engines(images: ImageLedger | null): string {
  if (!images || images.engines.length === 0) return 'not recorded';
  return images.engines.map((e) => `${e.name} ${e.version}${e.api_version ? ` (API ${e.api_version})` : ''}`).join(', then on resume ');
}

/** The digest a registry knows the image by, and the id it had here; several when it changed between invocations. */
function imageUsed(used: ImageLedger['images'][string] | undefined): string {
  if (!used || used.length === 0) return 'not used yet (digest not recorded)';
  const one = (u: (typeof used)[number]) => `${u.repo_digest ? `digest ${u.repo_digest.slice(u.repo_digest.indexOf('@') + 1)}, ` : 'no registry digest (built locally), '}id ${u.id}`;
  return used.length === 1 ? one(used[0]!) : `changed during the run: ${used.map(one).join('; then ')}`;
}
