/**
 * Which files a test patch modifies and which it only creates, like unidiff's PatchSet as used by
 * SWE-bench's get_modified_files/get_new_files: a file is new when its source is /dev/null
 * (`--- /dev/null`, or a `new file mode` header, which also covers binary files that have no
 * `---` line). Paths lose their a/ b/ prefix; a renamed file is listed by its new path.
 */
export interface TestPatchFiles {
  /** Exist at the base commit (renamed ones under their new path): reset with `git checkout <base> <files>`. */
  modified: string[];
  /** Created by the test patch: removed with `rm -f` (git checkout of no paths would move HEAD, #518). */
  added: string[];
}

export function testPatchFiles(patch: string): TestPatchFiles {
  const modified: string[] = [];
  const added: string[] = [];
  for (const block of patch.split(/^(?=diff --git )/m)) {
    const header = /^diff --git (a\/[^\t\n]+) (b\/[^\t\n]+)/.exec(block.split('\n', 1)[0] ?? '');
    if (!header) continue;
    let source = header[1] ?? '';
    let target = header[2] ?? '';
    for (const line of block.split('\n').slice(1)) {
      if (line.startsWith('@@')) break;
      if (line.startsWith('new file mode')) source = '/dev/null';
      else if (line.startsWith('--- ')) source = stripTimestamp(line.slice(4));
      else if (line.startsWith('+++ ')) target = stripTimestamp(line.slice(4));
    }
    if (source === '/dev/null') added.push(stripPrefix(target, 'b/'));
    // A renamed file is named by its new path, as SWE-bench 5.x's eval scripts name it (astropy-7336).
    else if (source.startsWith('a/')) modified.push(target.startsWith('b/') ? stripPrefix(target, 'b/') : stripPrefix(source, 'a/'));
  }
  return { modified, added };
}

function stripTimestamp(name: string): string {
  return name.split('\t', 1)[0] ?? name;
}

function stripPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}
