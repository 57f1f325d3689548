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

export interface PathCheck {
  kind: PathKind;
  /** The file's bytes, when asked for and the path is a regular file (or a link to one). */
  bytes?: Buffer;
}

const PATH_CHECK_SCRIPT =
  'if [ -d "$1" ]; then echo dir; elif [ "$2" = read ] && [ -f "$1" ]; then echo regular; base64 -w0 < "$1"; ' +
  'elif [ -e "$1" ]; then echo file; else echo missing; fi';

/**
 * What is at `path` and, with `read`, a regular file's content in the same process: the editor's
 * path check and its read are one round trip. The bytes travel base64-encoded because
 * `Environment.exec` decodes output as UTF-8 with U+FFFD.
 */
export async function checkPath(env: Environment, path: string, options: { read: boolean }): Promise<PathCheck> {
  const result = await env.exec(['sh', '-c', PATH_CHECK_SCRIPT, 'sh', path, options.read ? 'read' : 'kind'], {
    timeoutS: 60,
    maxOutputBytes: Number.MAX_SAFE_INTEGER,
  });
  const newline = result.output.indexOf('\n');
  const kind = result.output.slice(0, newline < 0 ? undefined : newline).trim();
  if (kind === 'dir' || kind === 'file') return { kind };
  if (kind !== 'regular') return { kind: 'missing' };
  // a file base64 could not read is read again by readText, which names the failure
  if (result.exitCode !== 0) return { kind: 'file' };
  return { kind: 'file', bytes: Buffer.from(result.output.slice(newline + 1), 'base64') };
}

export async function pathKind(env: Environment, path: string): Promise<PathKind> {
  return (await checkPath(env, path, { read: false })).kind;
}

/** Reads the file unless its bytes came with the path check. */
export async function readText(env: Environment, path: string, bytesRead?: Buffer): Promise<DecodedText> {
  const bytes = bytesRead ?? (await env.readFile(path));
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
