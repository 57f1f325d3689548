/**
 * SWE-agent's `tools/edit_anthropic/bin/str_replace_editor` (as pinned by SERA, USE_FILEMAP=true,
 * window expansion and linter off) re-implemented over the Environment. Each function returns what
 * the script printed: every `print` adds a newline, error exit codes were ignored upstream.
 *
 * undo_edit: upstream's `_file_history` property rebuilds a fresh dict from the registry on every
 * access and its setter is never called, so `self._file_history[path].append(...)` is lost and
 * undo_edit always answered "No edit history found". SERA's trajectories only ever saw that answer.
 */
import type { Environment } from '../../../environment/environment.js';
import { countOccurrences, expandTabs, pyLen, pyList, pyPathString, pyStrRepr, splitLines } from '../python-text.js';
import { checkPath, findTwoLevels, pathKind, readText, shellCwd, writeText, type PathCheck, type TextEncoding } from './editor-files.js';
import { parseEditorArguments, type EditorArguments } from './editor-arguments.js';
import { makeListing, maybeTruncate, MAX_RESPONSE_LEN, SNIPPET_LINES } from './editor-listing.js';
import { pythonFilemap } from './python-filemap.js';

const print = (text: string): string => `${text}\n`;

export async function runStrReplaceEditor(env: Environment, values: Record<string, unknown>): Promise<string> {
  const parsed = parseEditorArguments(values);
  if ('error' in parsed) return parsed.error;
  return editorCommand(env, parsed.args);
}

async function editorCommand(env: Environment, args: EditorArguments): Promise<string> {
  const path = pyPathString(args.path);
  const checked = await validatePath(env, args.command, path);
  if ('invalid' in checked) return checked.invalid;
  switch (args.command) {
    case 'view':
      return view(env, path, checked, args.viewRange);
    case 'create':
      if (args.fileText === undefined) return print('Parameter `file_text` is required for command: create');
      return create(env, path, args.fileText);
    case 'str_replace':
      if (args.oldStr === undefined) return print('Parameter `old_str` is required for command: str_replace');
      return strReplace(env, path, checked.bytes, args.oldStr, args.newStr);
    case 'insert':
      if (args.insertLine === undefined) return print('Parameter `insert_line` is required for command: insert');
      if (args.newStr === undefined) return print('Parameter `new_str` is required for command: insert');
      return insert(env, path, checked.bytes, args.insertLine, args.newStr);
    case 'undo_edit':
      return print(`No edit history found for ${path}.`);
    default:
      return print(
        `Unrecognized command ${args.command}. The allowed commands for the str_replace_editor tool are: ` +
          '"view", "create", "str_replace", "insert", "undo_edit"',
      );
  }
}

/** The commands that read the file they act on. */
const READING_COMMANDS = new Set(['view', 'str_replace', 'insert']);

/**
 * The script's `validate_path`. The kind it found is what `view` then branches on: the script stats
 * the path twice within one action, which reads the same; here that is one round trip to the container,
 * which also brings the file's bytes for the commands that read it.
 */
async function validatePath(env: Environment, command: string, path: string): Promise<{ invalid: string } | PathCheck> {
  const invalid = (message: string) => ({ invalid: print(message) });
  if (!path.startsWith('/')) {
    const suggested = pyPathString(`${await shellCwd(env)}/${path}`);
    return invalid(`The path ${path} is not an absolute path, it should start with \`/\`. Maybe you meant ${suggested}?`);
  }
  const checked = await checkPath(env, path, { read: READING_COMMANDS.has(command) });
  const kind = checked.kind;
  if (kind === 'missing' && command !== 'create') return invalid(`The path ${path} does not exist. Please provide a valid path.`);
  if (kind !== 'missing' && command === 'create') {
    return invalid(`File already exists at: ${path}. Cannot overwrite files using command \`create\`.`);
  }
  if (kind === 'dir' && command !== 'view') {
    return invalid(`The path ${path} is a directory and only the \`view\` command can be used on directories`);
  }
  return checked;
}

function pathSuffix(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot) : '';
}

async function view(env: Environment, path: string, checked: PathCheck, viewRange: [number, number] | undefined): Promise<string> {
  if (checked.kind === 'dir') {
    if (viewRange) return print('The `view_range` parameter is not allowed when `path` points to a directory.');
    const { stdout, hadStderr } = await findTwoLevels(env, path);
    if (hadStderr) return '';
    return print(`Here's the files and directories up to 2 levels deep in ${path}, excluding hidden items:\n${stdout}\n`);
  }
  const { text } = await readText(env, path, checked.bytes);
  if (viewRange) {
    const lines = text.split('\n');
    const n = lines.length;
    const [init, requestedFinal] = viewRange;
    const shown = pyList(viewRange);
    if (init < 1 || init > n) {
      return print(`Invalid \`view_range\`: ${shown}. Its first element \`${init}\` should be within the range of lines of the file: ${pyList([1, n])}`);
    }
    if (requestedFinal > n) {
      return print(`Invalid \`view_range\`: ${shown}. Its second element \`${requestedFinal}\` should be smaller than the number of lines in the file: \`${n}\``);
    }
    if (requestedFinal !== -1 && requestedFinal < init) {
      return print(`Invalid \`view_range\`: ${shown}. Its second element \`${requestedFinal}\` should be larger or equal than its first \`${init}\``);
    }
    const final = requestedFinal === -1 ? n : requestedFinal;
    return print(makeListing(lines.slice(init - 1, final).join('\n'), path, init));
  }
  if (pathSuffix(path) === '.py' && pyLen(text) > MAX_RESPONSE_LEN) {
    const filemap = await pythonFilemap(text).catch(() => undefined);
    if (filemap !== undefined) {
      return (
        print(
          '<NOTE>This file is too large to display entirely. Showing abbreviated version. ' +
            'Please use `str_replace_editor view` with the `view_range` parameter to show selected lines next.</NOTE>',
        ) +
        print(maybeTruncate(expandTabs(filemap))) +
        print(
          '<IMPORTANT><NOTE>The above file has been abbreviated. Please use `str_replace editor view` with `view_range` ' +
            'to look at relevant files in detail.</NOTE></IMPORTANT>',
        )
      );
    }
  }
  return print(makeListing(text, path, 1));
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

async function create(env: Environment, path: string, fileText: string): Promise<string> {
  const parent = parentOf(path);
  const parentKind = await pathKind(env, parent);
  if (parentKind === 'missing') return print(`The parent directory ${parent} does not exist. Please create it first.`);
  if (parentKind === 'file') {
    return print(`Ran into [Errno 20] Not a directory: ${pyStrRepr(path)} while trying to write to ${path}`);
  }
  const written = await tryWrite(env, path, fileText, 'utf8');
  return written ?? print(`File created successfully at: ${path}`);
}

async function tryWrite(env: Environment, path: string, text: string, encoding: TextEncoding): Promise<string | undefined> {
  try {
    await writeText(env, path, text, encoding);
    return undefined;
  } catch (err) {
    return print(`Ran into ${(err as Error).message} while trying to write to ${path}`);
  }
}

async function strReplace(env: Environment, path: string, bytes: Buffer | undefined, rawOld: string, rawNew: string | undefined): Promise<string> {
  const read = await readText(env, path, bytes);
  const fileContent = expandTabs(read.text);
  const oldStr = expandTabs(rawOld);
  const newStr = rawNew === undefined ? '' : expandTabs(rawNew);

  const occurrences = countOccurrences(fileContent, oldStr);
  if (occurrences === 0) {
    return print(`No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`);
  }
  if (occurrences > 1) {
    const lines = fileContent
      .split('\n')
      .flatMap((line, idx) => (line.includes(oldStr) ? [idx + 1] : []));
    return print(
      `No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines ${pyList(lines)}. Please ensure it is unique`,
    );
  }
  if (newStr === oldStr) {
    return print(`No replacement was performed, old_str \`${oldStr}\` is the same as new_str \`${newStr}\`.`);
  }
  const at = fileContent.indexOf(oldStr);
  const newContent = fileContent.slice(0, at) + newStr + fileContent.slice(at + oldStr.length);
  const failed = await tryWrite(env, path, newContent, read.encoding);
  if (failed !== undefined) return failed;

  const replacementLine = countOccurrences(fileContent.slice(0, at), '\n');
  const startLine = Math.max(1, replacementLine - SNIPPET_LINES);
  const endLine = Math.min(replacementLine + SNIPPET_LINES + countOccurrences(newStr, '\n'), splitLines(newContent).length);
  const newLines = newContent.split('\n');
  if (!(startLine <= endLine && endLine <= newLines.length)) {
    // Upstream's WindowExpander asserts 1 <= start <= stop <= len(lines) after the write; the edit stays.
    return print(`AssertionError: (${startLine}, ${endLine}, ${newLines.length})`);
  }
  const snippet = newLines.slice(startLine - 1, endLine).join('\n');
  return print(
    `The file ${path} has been edited. ` +
      makeListing(snippet, `a snippet of ${path}`, startLine) +
      'Review the changes and make sure they are as expected. Edit the file again if necessary.',
  );
}

async function insert(env: Environment, path: string, bytes: Buffer | undefined, insertLine: number, rawNew: string): Promise<string> {
  const read = await readText(env, path, bytes);
  const fileText = expandTabs(read.text);
  const newStr = expandTabs(rawNew);
  const lines = fileText.split('\n');
  if (insertLine < 0 || insertLine > lines.length) {
    return print(
      `Invalid \`insert_line\` parameter: ${insertLine}. It should be within the range of lines of the file: ${pyList([0, lines.length])}`,
    );
  }
  const newLines = newStr.split('\n');
  const newFileText = [...lines.slice(0, insertLine), ...newLines, ...lines.slice(insertLine)].join('\n');
  const snippet = [
    ...lines.slice(Math.max(0, insertLine - SNIPPET_LINES), insertLine),
    ...newLines,
    ...lines.slice(insertLine, insertLine + SNIPPET_LINES),
  ].join('\n');
  const failed = await tryWrite(env, path, newFileText, read.encoding);
  if (failed !== undefined) return failed;
  return print(
    `The file ${path} has been edited. ` +
      makeListing(snippet, 'a snippet of the edited file', Math.max(1, insertLine - SNIPPET_LINES + 1)) +
      'Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.',
  );
}
