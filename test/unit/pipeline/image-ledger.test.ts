import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineIdentity, ImageIdentity } from '../../../src/environment/sandbox-provider.js';
import { evaluateWith, evaluationSpec, type EvaluationFixture } from '../../support/run-spec-fixture.js';
import { RunLayout } from '../../../src/run-dir/layout.js';
import { ImageLedgerSchema, type Prediction } from '../../../src/run-dir/schemas.js';
import { FakeEnvironment } from '../../support/fake-environment.js';
import { FakeSandbox } from '../../support/fake-sandbox.js';
import { evalLog, instance } from '../evaluation/instances.js';

const PATCH = 'diff --git a/django/x.py b/django/x.py\n--- a/django/x.py\n+++ b/django/x.py\n@@ -1 +1 @@\n-a\n+b\n';
const rows = [instance({ instance_id: 'django__django-1' }), instance({ instance_id: 'django__django-2' })];
const sha = (c: string) => `sha256:${c.repeat(64)}`;

/** A sandbox whose images resolve to ids set by the test, as a daemon's image inspect would report them. */
class IdentifyingSandbox extends FakeSandbox {
  ids = new Map<string, ImageIdentity>();
  engine: EngineIdentity | null = { name: 'Docker', version: '20.10.24+dfsg1', apiVersion: '1.41' };
  constructor() {
    super(() => new FakeEnvironment((argv) => (argv[1] === '/eval.sh' ? { output: evalLog('') } : { output: 'Applied patch' })));
  }
  async imageIdentity(image: string): Promise<ImageIdentity | null> {
    if (!this.prepared.includes(image)) throw new Error(`identity of ${image} asked before it was prepared`);
    return this.ids.get(image) ?? null;
  }
  async engineIdentity(): Promise<EngineIdentity | null> {
    return this.engine;
  }
}

function options(root: string, patch: string): EvaluationFixture {
  const predictions: Prediction[] = rows.map((r) => ({ instance_id: r.instance_id, model_name_or_path: 'm', model_patch: patch }));
  return { spec: evaluationSpec(), deps: { layout: new RunLayout(root), rows, predictions, retryBaseDelayMs: 1 } };
}

const silent = { write: () => undefined };
const IMG1 = 'swebench/sweb.eval.x86_64.django_1776_django-1:latest';
const IMG2 = 'swebench/sweb.eval.x86_64.django_1776_django-2:latest';
const readLedger = (root: string) => ImageLedgerSchema.parse(JSON.parse(readFileSync(path.join(root, 'images.json'), 'utf8')));

describe('images.json', () => {
  it('records, per image the run prepared, its id and registry digest, and the engine once', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ledger-'));
    const sandbox = new IdentifyingSandbox();
    sandbox.ids.set(IMG1, { id: sha('1'), repoDigest: `swebench/sweb.eval.x86_64.django_1776_django-1@${sha('d')}` });
    sandbox.ids.set(IMG2, { id: sha('2'), repoDigest: null });
    await evaluateWith(options(root, PATCH), { sandbox, progress: silent });
    const ledger = readLedger(root);
    expect(ledger.engines.map(({ recorded_at: _, ...e }) => e)).toEqual([{ name: 'Docker', version: '20.10.24+dfsg1', api_version: '1.41' }]);
    expect(ledger.images[IMG1]?.map((u) => [u.id, u.repo_digest])).toEqual([[sha('1'), `swebench/sweb.eval.x86_64.django_1776_django-1@${sha('d')}`]]);
    expect(ledger.images[IMG2]?.map((u) => [u.id, u.repo_digest])).toEqual([[sha('2'), null]]);
  });

  it('a resume merges: known ids are kept once, an image re-pulled to a new id and a new engine are added', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ledger-'));
    const first = new IdentifyingSandbox();
    first.ids.set(IMG1, { id: sha('1'), repoDigest: null });
    first.ids.set(IMG2, { id: sha('2'), repoDigest: null });
    await evaluateWith(options(root, PATCH), { sandbox: first, progress: silent });

    // a different patch makes both cells grade again (their input hash changed)
    const second = new IdentifyingSandbox();
    second.ids.set(IMG1, { id: sha('1'), repoDigest: null });
    second.ids.set(IMG2, { id: sha('3'), repoDigest: null });
    second.engine = { name: 'podman', version: '4.3.1', apiVersion: '1.41' };
    await evaluateWith(options(root, PATCH.replace('+b', '+c')), { sandbox: second, progress: silent });

    const ledger = readLedger(root);
    expect(ledger.images[IMG1]?.map((u) => u.id)).toEqual([sha('1')]);
    expect(ledger.images[IMG2]?.map((u) => u.id)).toEqual([sha('2'), sha('3')]);
    expect(ledger.engines.map((e) => e.name)).toEqual(['Docker', 'podman']);
  });

  it('an empty patch prepares no image, so none is recorded for it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ledger-'));
    const sandbox = new IdentifyingSandbox();
    sandbox.ids.set(IMG1, { id: sha('1'), repoDigest: null });
    await evaluateWith(options(root, ''), { sandbox, progress: silent });
    expect(readLedger(root).images).toEqual({});
  });
});
