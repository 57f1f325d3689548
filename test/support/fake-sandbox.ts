import type { Environment } from '../../src/environment/environment.js';
import type { SandboxProvider, SandboxRequest } from '../../src/environment/sandbox-provider.js';

/** A SandboxProvider whose environments come from a factory; records every start. */
export class FakeSandbox implements SandboxProvider {
  readonly starts: SandboxRequest[] = [];
  readonly prepared: string[] = [];
  leftoversRemoved = 0;

  constructor(private readonly factory: (request: SandboxRequest, startIndex: number) => Environment | Promise<Environment>) {}

  async prepareImage(image: string): Promise<void> {
    this.prepared.push(image);
  }

  async start(request: SandboxRequest): Promise<Environment> {
    this.starts.push(request);
    return this.factory(request, this.starts.length - 1);
  }

  async removeLeftovers(): Promise<number> {
    this.leftoversRemoved++;
    return 0;
  }

  installCleanup(): () => void {
    return () => undefined;
  }
}
