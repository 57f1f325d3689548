/**
 * Golden observations of str_replace_editor. The expected strings were produced by running SWE-agent's
 * `tools/edit_anthropic/bin/str_replace_editor` logic (Python) on the same files, then checked in here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runStrReplaceEditor } from '../../../src/agents/sera/tools/str-replace-editor.js';
import { TRUNCATED_MESSAGE } from '../../../src/agents/sera/tools/editor-listing.js';
import { makeTempRepo, type TempRepo } from './temp-repo.js';

const A_PY = 'import os\n\ndef f(x):\n\tif x:\n\t\treturn 1\n\treturn 2\n';
const B_TXT = 'one\ntwo\nthree\ntwo\nfour\nfive\nsix\nseven\neight\nnine\nten\n';

let repo: TempRepo;
const edit = (values: Record<string, unknown>): Promise<string> => runStrReplaceEditor(repo.env, values);
const fileText = (name: string): Promise<string> => readFile(join(repo.dir, name), 'utf8');

beforeEach(async () => {
  repo = await makeTempRepo({ 'a.py': A_PY, 'b.txt': B_TXT, 'sub/x.py': 'x=1\n', 'crlf.txt': 'l1\r\nl2\r\n' });
});
afterEach(async () => repo.cleanup());

describe('str_replace_editor view', () => {
  it('checks the path and reads the file in one command per action', async () => {
    const exec = vi.spyOn(repo.env, 'exec');
    const read = vi.spyOn(repo.env, 'readFile');
    await edit({ command: 'view', path: '/testbed/b.txt' });
    await edit({ command: 'str_replace', path: '/testbed/b.txt', old_str: 'three', new_str: '3' });
    expect(exec).toHaveBeenCalledTimes(2);
    expect(read).not.toHaveBeenCalled();
  });

  it('reads an empty file and a Latin-1 file from the path check as the script read them', async () => {
    await repo.env.writeFile('/testbed/empty.txt', '');
    await repo.env.writeFile('/testbed/latin.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const read = vi.spyOn(repo.env, 'readFile');
    expect(await edit({ command: 'view', path: '/testbed/empty.txt' })).toBe("Here's the result of running `cat -n` on /testbed/empty.txt:\n     1\t\n\n");
    expect(await edit({ command: 'view', path: '/testbed/latin.txt' })).toBe("Here's the result of running `cat -n` on /testbed/latin.txt:\n     1\tcafé\n     2\t\n\n");
    expect(read).not.toHaveBeenCalled();
  });

  it('lists a file with cat -n numbering and expanded tabs', async () => {
    expect(await edit({ command: 'view', path: '/testbed/a.py' })).toBe(
      "Here's the result of running `cat -n` on /testbed/a.py:\n     1\timport os\n     2\t\n     3\tdef f(x):\n" +
        '     4\t        if x:\n     5\t                return 1\n     6\t        return 2\n     7\t\n\n',
    );
  });

  it('shows a view_range and rejects bad ranges with the upstream texts', async () => {
    expect(await edit({ command: 'view', path: '/testbed/b.txt', view_range: [2, 4] })).toBe(
      "Here's the result of running `cat -n` on /testbed/b.txt:\n     2\ttwo\n     3\tthree\n     4\ttwo\n\n",
    );
    expect(await edit({ command: 'view', path: '/testbed/b.txt', view_range: [11, -1] })).toBe(
      "Here's the result of running `cat -n` on /testbed/b.txt:\n    11\tten\n    12\t\n\n",
    );
    expect(await edit({ command: 'view', path: '/testbed/b.txt', view_range: [0, 4] })).toBe(
      'Invalid `view_range`: [0, 4]. Its first element `0` should be within the range of lines of the file: [1, 12]\n',
    );
    expect(await edit({ command: 'view', path: '/testbed/b.txt', view_range: [2, 40] })).toBe(
      'Invalid `view_range`: [2, 40]. Its second element `40` should be smaller than the number of lines in the file: `12`\n',
    );
    expect(await edit({ command: 'view', path: '/testbed/b.txt', view_range: [5, 3] })).toBe(
      'Invalid `view_range`: [5, 3]. Its second element `3` should be larger or equal than its first `5`\n',
    );
    expect(await edit({ command: 'view', path: '/testbed/sub', view_range: [1, 2] })).toBe(
      'The `view_range` parameter is not allowed when `path` points to a directory.\n',
    );
  });

  it('answers a malformed view_range with argparse usage, as the script did', async () => {
    const usage =
      'usage: str_replace_editor [-h] [--file_text FILE_TEXT]\n' +
      '                          [--view_range VIEW_RANGE VIEW_RANGE]\n' +
      '                          [--old_str OLD_STR] [--new_str NEW_STR]\n' +
      '                          [--insert_line INSERT_LINE]\n' +
      '                          command path\n';
    expect(await edit({ command: 'view', path: '/testbed/b.txt', view_range: [1] })).toBe(
      `${usage}str_replace_editor: error: argument --view_range: expected 2 arguments\n`,
    );
    expect(await edit({ command: 'insert', path: '/testbed/b.txt', insert_line: 'a', new_str: 'x' })).toBe(
      `${usage}str_replace_editor: error: argument --insert_line: invalid int value: 'a'\n`,
    );
    expect(await edit({ command: 'str_replace', path: '/testbed/b.txt', old_str: 'one', new_str: '-x' })).toBe(
      `${usage}str_replace_editor: error: argument --new_str: expected one argument\n`,
    );
  });

  it('lists a directory two levels deep with a blank line after find output', async () => {
    expect(await edit({ command: 'view', path: '/testbed/sub' })).toBe(
      "Here's the files and directories up to 2 levels deep in /testbed/sub, excluding hidden items:\n/testbed/sub\n/testbed/sub/x.py\n\n\n",
    );
  });

  it('prints nothing for a directory when find wrote to stderr (the unquoted path splits), in one command', async () => {
    await repo.env.writeFile('/testbed/my dir/y.py', 'y=1\n');
    const exec = vi.spyOn(repo.env, 'exec');
    expect(await edit({ command: 'view', path: '/testbed/my dir' })).toBe('');
    // the path check, then find with its stderr counted in the same process
    expect(exec).toHaveBeenCalledTimes(2);
  });

  it('clips a long listing at 16000 characters with the note', async () => {
    const long = Array.from({ length: 2000 }, (_, i) => `row ${i}`).join('\n');
    await repo.env.writeFile('/testbed/long.txt', long);
    const out = await edit({ command: 'view', path: '/testbed/long.txt' });
    expect(out).toContain(`${TRUNCATED_MESSAGE}\n\n`);
    const body = out.slice(out.indexOf('\n') + 1);
    const listed = body.split('\n').map((line) => line.slice(line.indexOf('\t') + 1));
    expect(listed.join('\n').indexOf('<response clipped>')).toBe(16000);
  });

  it('abbreviates a large Python file with the tree-sitter filemap', async () => {
    const body = Array.from({ length: 6 }, (_, i) => `    v${i} = ${i}`).join('\n');
    const funcs = Array.from({ length: 400 }, (_, i) => `def f${i}(x):\n${body}\n    return x\n`).join('\n');
    await repo.env.writeFile('/testbed/big.py', `import os\n\n${funcs}`);
    const out = await edit({ command: 'view', path: '/testbed/big.py' });
    expect(out.startsWith(
      '<NOTE>This file is too large to display entirely. Showing abbreviated version. Please use `str_replace_editor view` ' +
        'with the `view_range` parameter to show selected lines next.</NOTE>\n' +
        '     1 import os\n     2 \n     3 def f0(x):\n     4 ... eliding lines 4-10 ...\n    11 \n    12 def f1(x):\n',
    )).toBe(true);
    expect(out.endsWith(
      '<IMPORTANT><NOTE>The above file has been abbreviated. Please use `str_replace editor view` with `view_range` to ' +
        'look at relevant files in detail.</NOTE></IMPORTANT>\n',
    )).toBe(true);
  });

  it('checks paths like validate_path', async () => {
    expect(await edit({ command: 'view', path: 'a.py' })).toBe(
      'The path a.py is not an absolute path, it should start with `/`. Maybe you meant /testbed/a.py?\n',
    );
    expect(await edit({ command: 'view', path: '/testbed/nope.py' })).toBe(
      'The path /testbed/nope.py does not exist. Please provide a valid path.\n',
    );
    expect(await edit({ command: 'str_replace', path: '/testbed//sub/./', old_str: 'x' })).toBe(
      'The path /testbed/sub is a directory and only the `view` command can be used on directories\n',
    );
    expect(await edit({ command: 'frobnicate', path: '/testbed/b.txt' })).toBe(
      'Unrecognized command frobnicate. The allowed commands for the str_replace_editor tool are: "view", "create", "str_replace", "insert", "undo_edit"\n',
    );
  });
});

describe('str_replace_editor create', () => {
  it('creates, refuses to overwrite, and needs an existing parent and file_text', async () => {
    expect(await edit({ command: 'create', path: '/testbed/c.py', file_text: 'print(1)\n' })).toBe(
      'File created successfully at: /testbed/c.py\n',
    );
    expect(await fileText('c.py')).toBe('print(1)\n');
    expect(await edit({ command: 'create', path: '/testbed/a.py', file_text: 'x' })).toBe(
      'File already exists at: /testbed/a.py. Cannot overwrite files using command `create`.\n',
    );
    expect(await edit({ command: 'create', path: '/testbed/new/dir/f.py', file_text: 'x' })).toBe(
      'The parent directory /testbed/new/dir does not exist. Please create it first.\n',
    );
    expect(await edit({ command: 'create', path: '/testbed/d.py' })).toBe('Parameter `file_text` is required for command: create\n');
    expect(await edit({ command: 'create', path: '/testbed/a.py/x.py', file_text: 'x' })).toBe(
      "Ran into [Errno 20] Not a directory: '/testbed/a.py/x.py' while trying to write to /testbed/a.py/x.py\n",
    );
  });
});

describe('str_replace_editor str_replace', () => {
  it('replaces a unique match and shows the snippet window', async () => {
    expect(await edit({ command: 'str_replace', path: '/testbed/b.txt', old_str: 'eight', new_str: 'EIGHT\nEIGHT2' })).toBe(
      "The file /testbed/b.txt has been edited. Here's the result of running `cat -n` on a snippet of /testbed/b.txt:\n" +
        '     4\ttwo\n     5\tfour\n     6\tfive\n     7\tsix\n     8\tseven\n     9\tEIGHT\n    10\tEIGHT2\n    11\tnine\n    12\tten\n' +
        'Review the changes and make sure they are as expected. Edit the file again if necessary.\n',
    );
    expect(await fileText('b.txt')).toBe(B_TXT.replace('eight', 'EIGHT\nEIGHT2'));
  });

  it('expands tabs over the whole file before matching and writing', async () => {
    expect(await edit({ command: 'str_replace', path: '/testbed/a.py', old_str: '        return 1', new_str: '        return 11' })).toBe(
      "The file /testbed/a.py has been edited. Here's the result of running `cat -n` on a snippet of /testbed/a.py:\n" +
        '     1\timport os\n     2\t\n     3\tdef f(x):\n     4\t        if x:\n     5\t                return 11\n     6\t        return 2\n' +
        'Review the changes and make sure they are as expected. Edit the file again if necessary.\n',
    );
    expect(await fileText('a.py')).toBe('import os\n\ndef f(x):\n        if x:\n                return 11\n        return 2\n');
  });

  it('reports no match, several matches, a no-op and a missing old_str', async () => {
    expect(await edit({ command: 'str_replace', path: '/testbed/b.txt', old_str: 'zzz', new_str: 'y' })).toBe(
      'No replacement was performed, old_str `zzz` did not appear verbatim in /testbed/b.txt.\n',
    );
    expect(await edit({ command: 'str_replace', path: '/testbed/b.txt', old_str: 'two', new_str: 'TWO' })).toBe(
      'No replacement was performed. Multiple occurrences of old_str `two` in lines [2, 4]. Please ensure it is unique\n',
    );
    expect(await edit({ command: 'str_replace', path: '/testbed/b.txt', old_str: 'three', new_str: 'three' })).toBe(
      'No replacement was performed, old_str `three` is the same as new_str `three`.\n',
    );
    expect(await edit({ command: 'str_replace', path: '/testbed/b.txt' })).toBe(
      'Parameter `old_str` is required for command: str_replace\n',
    );
    expect(await fileText('b.txt')).toBe(B_TXT);
  });

  it('writes CRLF files back with LF, as Python text mode does', async () => {
    await edit({ command: 'str_replace', path: '/testbed/crlf.txt', old_str: 'l2', new_str: 'L2' });
    expect(await fileText('crlf.txt')).toBe('l1\nL2\n');
  });
});

describe('str_replace_editor insert and undo_edit', () => {
  it('inserts after a line and shows four lines of context', async () => {
    expect(await edit({ command: 'insert', path: '/testbed/b.txt', insert_line: 2, new_str: 'x\ny' })).toBe(
      "The file /testbed/b.txt has been edited. Here's the result of running `cat -n` on a snippet of the edited file:\n" +
        '     1\tone\n     2\ttwo\n     3\tx\n     4\ty\n     5\tthree\n     6\ttwo\n     7\tfour\n     8\tfive\n' +
        'Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.\n',
    );
    expect(await edit({ command: 'insert', path: '/testbed/b.txt', insert_line: 99, new_str: 'x' })).toBe(
      'Invalid `insert_line` parameter: 99. It should be within the range of lines of the file: [0, 14]\n',
    );
    expect(await edit({ command: 'insert', path: '/testbed/b.txt', new_str: 'x' })).toBe(
      'Parameter `insert_line` is required for command: insert\n',
    );
    expect(await edit({ command: 'insert', path: '/testbed/b.txt', insert_line: 1 })).toBe(
      'Parameter `new_str` is required for command: insert\n',
    );
  });

  it('answers undo_edit with no history, as SWE-agent always did (its history never persisted)', async () => {
    await edit({ command: 'str_replace', path: '/testbed/b.txt', old_str: 'three', new_str: '3' });
    expect(await edit({ command: 'undo_edit', path: '/testbed/b.txt' })).toBe('No edit history found for /testbed/b.txt.\n');
    expect(await fileText('b.txt')).toContain('\n3\n');
  });
});
