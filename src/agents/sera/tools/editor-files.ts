/**
 * File access for str_replace_editor through the Environment, with the Python semantics of
 * `tools/edit_anthropic/bin/str_replace_editor`: `Path.read_text` tries utf-8 then latin-1 (which
 * never fails) and translates newlines; `write_text` writes back in the encoding that read worked with.
 */
import type { Environment } from '../../../environment/environment.js';
import { universalNewlines } from '../../../universal-newlines.js';

export type PathKind = 'missing' | 'file' | 'dir';
export type TextEncoding = 'utf8' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

export async function pathKind(env: Environment, path: string): Promise<PathKind> {
  const result = await env.exec(
    ['sh', '-c', 'if [ -d "$1" ]; then echo dir; elif [ -e "$1" ]; then echo file; else echo missing; fi', 'sh', path],
    { timeoutS: 60 },
  );
  const kind = result.output.trim();
  return kind === 'dir' || kind === 'file' ? kind : 'missing';
}

export async function readText(env: Environment, path: string): Promise<DecodedText> {
  const bytes = await env.readFile(path);
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text: universalNewlines(text), encoding: 'utf8' };
  } catch {
    return { text: universalNewlines(bytes.toString('latin1')), encoding: 'latin1' };
  }
}

export async function writeText(env: Environment, path: string, text: string, encoding: TextEncoding): Promise<void> {
  await env.writeFile(path, Buffer.from(text, encoding));
}

/** The shell's current directory: the editor script ran as a child of the agent's shell. */
export async function shellCwd(env: Environment): Promise<string> {
  const result = await env.run('pwd', { timeoutS: 30 });
  return result.output.trim() || '/';
}

/** findTwoLevels' exit status when find wrote to stderr. */
const FIND_HAD_STDERR = 9;

/**
 * `find {path} -maxdepth 2 -not -path '*\/\.*'` with `shell=True`, as the script runs it (the path is
 * not quoted there either). Returns stdout and whether anything reached stderr, in one process:
 * find's stderr goes down a pipe that only counts bytes, its stdout stays the output.
 */
export async function findTwoLevels(env: Environment, path: string): Promise<{ stdout: string; hadStderr: boolean }> {
  const find = `find ${path} -maxdepth 2 -not -path '*/\\.*'`;
  const script =
    `{ { ${find} 2>&1 >&3 3>&-; } | ` +
    `{ if [ "$(head -c 1 | wc -c)" -ne 0 ]; then cat >/dev/null; exit ${FIND_HAD_STDERR}; fi; } 3>&-; } 3>&1`;
  const result = await env.exec(['sh', '-c', script], { timeoutS: 120 });
  return { stdout: result.output, hadStderr: result.exitCode === FIND_HAD_STDERR };
}
