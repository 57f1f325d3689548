/**
 * SWE-agent's `Filemap.show_filemap` (tools/edit_anthropic/bin/str_replace_editor): a large Python
 * file with the body of every function spanning 5+ lines replaced by `... eliding lines A-B ...`.
 * Upstream uses tree-sitter's Python grammar through py-tree-sitter-languages; this is the same
 * grammar compiled to wasm (npm tree-sitter-python) run by web-tree-sitter.
 */
import { createRequire } from 'node:module';
import { Language, Parser, Query } from 'web-tree-sitter';
import { splitLines } from '../python-text.js';

interface PythonGrammar {
  parser: Parser;
  bodies: Query;
}

let grammar: Promise<PythonGrammar> | undefined;

function loadGrammar(): Promise<PythonGrammar> {
  grammar ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return { parser, bodies: new Query(language, '(function_definition body: (_) @body)') };
  })();
  return grammar;
}

/** @throws when the grammar cannot be loaded or the parse fails; the caller then shows the plain listing. */
export async function pythonFilemap(fileContents: string): Promise<string> {
  const { parser, bodies } = await loadGrammar();
  const tree = parser.parse(fileContents);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const ranges: [number, number][] = bodies
      .captures(tree.rootNode)
      .map((capture): [number, number] => [capture.node.startPosition.row, capture.node.endPosition.row])
      .filter(([start, end]) => end - start >= 5);
    const elided = new Set<number>();
    for (const [start, end] of ranges) for (let line = start; line <= end; line++) elided.add(line);
    const entries: [number, string][] = ranges.map(([start, end]) => [start, `... eliding lines ${start + 1}-${end + 1} ...`]);
    splitLines(fileContents).forEach((line, i) => {
      if (!elided.has(i)) entries.push([i, line]);
    });
    // Python sorts the (line, text) tuples: by line, then by text.
    entries.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    return entries.map(([i, text]) => `${String(i + 1).padStart(6)} ${text}`).join('\n');
  } finally {
    tree.delete();
  }
}
