/**
 * The exit codes of every command (DESIGN.md §4), defined once for the CLI, the report handlers,
 * `--help` and the README's table (a unit test keeps the README in step with this list).
 */
export const EXIT = { ok: 0, gateFailed: 1, badInput: 2, failed: 3, interrupted: 130 } as const;

export const EXIT_CODE_MEANINGS: readonly (readonly [code: number, meaning: string])[] = [
  [EXIT.ok, 'the command finished, whatever the verdicts'],
  [EXIT.gateFailed, "`nightly`: the gate failed (a regression, or tonight's run was not measured); no other command uses it"],
  [EXIT.badInput, 'bad input: a flag, file, line or field, named on stderr; nothing was run'],
  [
    EXIT.failed,
    'the command could not go on: no Docker daemon or model server, the run id owned by another live process, ' +
      'a write refused (disk full, permissions, read-only, too many open files); one line on stderr says what and where',
  ],
  [EXIT.interrupted, 'interrupted (Ctrl-C or SIGTERM): finished cells are kept and the same command resumes'],
];

/** The table `--help` prints, meanings wrapped to fit 80 columns. */
export function exitCodeHelp(): string {
  const indent = '      ';
  return ['Exit codes:', ...EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(4)}${wrap(meaning, 80 - indent.length).join(`\n${indent}`)}`)].join(
    '\n',
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
