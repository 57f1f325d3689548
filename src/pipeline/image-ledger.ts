/**
 * images.json: each image name as it was when this run used it (image id, registry digest) and the
 * container engine that ran it, for the run card. Kept beside run.json rather than in it: an
 * image is known only once a cell has prepared it, and cells finish in any order. A resume merges
 * into the file; a name whose id changed between invocations keeps both.
 */
import { existsSync } from 'node:fs';
import type { ImageIdentity, SandboxProvider } from '../environment/sandbox-provider.js';
import { readJsonFile } from '../report/read-validated.js';
import type { RunLayout } from '../run-dir/layout.js';
import { ImageLedgerSchema, type ImageLedger } from '../run-dir/schemas.js';

export class ImageLedgerWriter {
  /** Writes one after another, so a later write never loses an earlier cell's record. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly layout: RunLayout,
    private readonly ledger: ImageLedger,
  ) {}

  /** The run's images.json, or an empty one. @throws InputError when the file is there but not a ledger */
  static async open(layout: RunLayout): Promise<ImageLedgerWriter> {
    const ledger = existsSync(layout.images)
      ? await readJsonFile(layout.images, ImageLedgerSchema, 'the images a run used (images.json)')
      : { engines: [], images: {} };
    return new ImageLedgerWriter(layout, ledger);
  }

  /** Ask the sandbox which engine this invocation runs on; recorded when it differs from the last one recorded. */
  async recordEngine(sandbox: SandboxProvider): Promise<void> {
    const engine = await sandbox.engineIdentity?.();
    if (!engine) return;
    const last = this.ledger.engines.at(-1);
    if (last && last.name === engine.name && last.version === engine.version && last.api_version === engine.apiVersion) return;
    this.ledger.engines.push({ name: engine.name, version: engine.version, api_version: engine.apiVersion, recorded_at: new Date().toISOString() });
    await this.save();
  }

  /** Recorded when the name has no identity yet or now resolves to a different image. */
  async recordImage(image: string, identity: ImageIdentity): Promise<void> {
    const seen = (this.ledger.images[image] ??= []);
    if (seen.some((s) => s.id === identity.id)) return;
    seen.push({ id: identity.id, repo_digest: identity.repoDigest, first_used_at: new Date().toISOString() });
    await this.save();
  }

  /** The same sandbox, whose prepareImage also records what the image turned out to be. */
  recording(sandbox: SandboxProvider): SandboxProvider {
    if (!sandbox.imageIdentity) return sandbox;
    const prepareImage = async (image: string, signal?: AbortSignal): Promise<void> => {
      await sandbox.prepareImage(image, signal);
      const identity = await sandbox.imageIdentity!(image);
      if (identity) await this.recordImage(image, identity);
    };
    // inherits every other member, whatever the provider has
    return Object.assign(Object.create(sandbox) as SandboxProvider, { prepareImage });
  }

  private save(): Promise<void> {
    const snapshot = structuredClone(this.ledger);
    this.writing = this.writing.catch(() => undefined).then(() => this.layout.writeJson(this.layout.images, snapshot));
    return this.writing;
  }
}
