import {
  EnvironmentUnavailableError,
  FileNotFoundError,
  type Environment,
  type ExecOptions,
  type ExecResult,
  type OutOfMemory,
  type RunOptions,
  type RunResult,
} from '../../src/environment/environment.js';

/** What a scripted command answers; output defaults to "" and exit code to 0. */
export interface ScriptedResult {
  output?: string;
  exitCode?: number;
  timedOut?: boolean;
  /** Reported only to a caller that asked with `detectOutOfMemory`, as DockerEnvironment does. */
  outOfMemory?: OutOfMemory;
}

export type ExecScript = (argv: string[], options: ExecOptions, env: FakeEnvironment) => ScriptedResult | Promise<ScriptedResult>;

export interface ExecCall {
  argv: string[];
  options: ExecOptions;
}

/**
 * An Environment whose commands answer from a script: unit tests drive grading and other stages
 * without Docker. Files written are kept and readable; every exec is recorded.
 */
export class FakeEnvironment implements Environment {
  readonly files = new Map<string, Buffer>();
  readonly execCalls: ExecCall[] = [];
  closed = false;

  constructor(
    private readonly script: ExecScript,
    private readonly diffText = '',
  ) {}

  async run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const result = await this.exec(['bash', '-c', command], { timeoutS: options.timeoutS, signal: options.signal });
    return { output: result.output, exitCode: result.exitCode, timedOut: result.timedOut };
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.assertOpen();
    this.execCalls.push({ argv, options });
    const scripted = await this.script(argv, options, this);
    const full = scripted.output ?? '';
    const bytes = Buffer.byteLength(full);
    const limit = options.maxOutputBytes;
    const truncated = limit !== undefined && bytes > limit;
    return {
      output: truncated ? Buffer.from(full).subarray(0, limit).toString('utf8') : full,
      exitCode: scripted.exitCode ?? 0,
      timedOut: scripted.timedOut ?? false,
      outputBytes: bytes,
      truncated,
      ...(scripted.outOfMemory && options.detectOutOfMemory ? { outOfMemory: scripted.outOfMemory } : {}),
    };
  }

  async readFile(path: string): Promise<Buffer> {
    this.assertOpen();
    const content = this.files.get(path);
    if (content === undefined) throw new FileNotFoundError(path);
    return content;
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    this.assertOpen();
    this.files.set(path, Buffer.isBuffer(content) ? content : Buffer.from(content));
  }

  async diff(): Promise<string> {
    this.assertOpen();
    return this.diffText;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The text of a written file, for assertions. */
  text(path: string): string | undefined {
    return this.files.get(path)?.toString('utf8');
  }

  private assertOpen(): void {
    if (this.closed) throw new EnvironmentUnavailableError('fake environment is closed');
  }
}
