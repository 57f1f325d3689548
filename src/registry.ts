/**
 * A named set of plugins (sandboxes, agent scaffolds, benchmarks). Built-ins are registered at
 * import; a library user registers their own before calling the run API.
 */
import { InputError } from './errors.js';

export class Registry<T extends { readonly name: string }> {
  private readonly items = new Map<string, T>();

  /** @param kind what the items are, for messages: 'sandbox', 'agent', 'benchmark'. */
  constructor(readonly kind: string) {}

  /** @throws Error when the name is taken: a plugin must not silently replace another. */
  register(item: T): T {
    if (this.items.has(item.name)) throw new Error(`${this.kind} ${JSON.stringify(item.name)} is already registered`);
    this.items.set(item.name, item);
    return item;
  }

  /** @throws InputError naming the known ones. */
  get(name: string): T {
    const item = this.items.get(name);
    if (!item) throw new InputError(`unknown ${this.kind} ${JSON.stringify(name)}; known: ${this.names().join(', ')}`);
    return item;
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  names(): string[] {
    return [...this.items.keys()];
  }
}
