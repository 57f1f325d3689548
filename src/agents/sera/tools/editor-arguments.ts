/**
 * How str_replace_editor's arguments reach the script upstream: the tool call's JSON values are put on a
 * command line (`argument_format` in tools/edit_anthropic/config.yaml, shell-quoted by
 * sweagent/tools/parsing.py) and parsed by Python's argparse. A value argparse rejects prints argparse's
 * usage and error to stderr, which became the observation; those texts are reproduced here.
 */
import { pyStrRepr } from '../python-text.js';

export interface EditorArguments {
  command: string;
  path: string;
  fileText?: string;
  viewRange?: [number, number];
  oldStr?: string;
  newStr?: string;
  insertLine?: number;
}

/** argparse's usage for the script's parser, wrapped at the 80-column pty SWE-ReX opens. */
const USAGE = `usage: str_replace_editor [-h] [--file_text FILE_TEXT]
                          [--view_range VIEW_RANGE VIEW_RANGE]
                          [--old_str OLD_STR] [--new_str NEW_STR]
                          [--insert_line INSERT_LINE]
                          command path
`;

function argparseError(message: string): string {
  return `${USAGE}str_replace_editor: error: ${message}\n`;
}

/** Jinja's rendering of a JSON value (Python `str()`). */
function pyStr(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** argparse takes `-x` (not a negative number, no space) for an option, leaving the flag without a value. */
function looksLikeOption(token: string): boolean {
  return token.length > 1 && token.startsWith('-') && !token.includes(' ') && !/^-\d+$|^-\d*\.\d+$/.test(token);
}

function pyInt(token: string): number | undefined {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(token)) return undefined;
  return Number(token.replace(/_/g, '').trim());
}

export function parseEditorArguments(values: Record<string, unknown>): { args: EditorArguments } | { error: string } {
  if (values.command === null || values.path === null) {
    return { error: argparseError('the following arguments are required: path') };
  }
  const args: EditorArguments = { command: pyStr(values.command), path: pyStr(values.path) };
  let unrecognized: string[] = [];

  const stringOption = (name: 'file_text' | 'old_str' | 'new_str'): string | { error: string } | undefined => {
    if (!(name in values)) return undefined;
    const token = pyStr(values[name]);
    if (values[name] === null || looksLikeOption(token)) return { error: argparseError(`argument --${name}: expected one argument`) };
    return token;
  };

  const fileText = stringOption('file_text');
  if (typeof fileText === 'object') return fileText;
  args.fileText = fileText;

  if ('view_range' in values) {
    const raw = values.view_range;
    const tokens = Array.isArray(raw) ? raw.map(pyStr) : [];
    if (tokens.length < 2 || tokens.slice(0, 2).some(looksLikeOption)) {
      return { error: argparseError('argument --view_range: expected 2 arguments') };
    }
    const numbers = tokens.slice(0, 2).map(pyInt);
    const bad = numbers.findIndex((n) => n === undefined);
    if (bad >= 0) return { error: argparseError(`argument --view_range: invalid int value: ${pyStrRepr(tokens[bad] as string)}`) };
    args.viewRange = [numbers[0] as number, numbers[1] as number];
    unrecognized = tokens.slice(2);
  }

  const oldStr = stringOption('old_str');
  if (typeof oldStr === 'object') return oldStr;
  args.oldStr = oldStr;
  const newStr = stringOption('new_str');
  if (typeof newStr === 'object') return newStr;
  args.newStr = newStr;

  if ('insert_line' in values) {
    const token = pyStr(values.insert_line);
    if (values.insert_line === null || looksLikeOption(token)) {
      return { error: argparseError('argument --insert_line: expected one argument') };
    }
    const line = pyInt(token);
    if (line === undefined) return { error: argparseError(`argument --insert_line: invalid int value: ${pyStrRepr(token)}`) };
    args.insertLine = line;
  }

  if (unrecognized.length > 0) return { error: argparseError(`unrecognized arguments: ${unrecognized.join(' ')}`) };
  return { args };
}
