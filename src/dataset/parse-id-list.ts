import { readFileSync } from 'node:fs';
import { InputError, errorMessage } from '../errors.js';
import { checkPathId } from '../run-dir/path-id.js';

/**
 * `--instances a,b` or `--instances @FILE` (one id per line; blank lines and `#` comments skipped).
 * Empty items are dropped; an empty result or an id that breaks the path-id rule is an InputError
 * naming the flag (and the file and line).
 */
export function parseIdList(value: string, flag = '--instances'): string[] {
  let items: { id: string; where: string }[];
  if (value.startsWith('@')) {
    const file = value.slice(1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(`${flag} @${file}: cannot read the id file (${errorMessage(err)})`);
    }
    items = text.split('\n').map((line, index) => ({ id: line.replace(/#.*/, '').trim(), where: `${flag} @${file}:${index + 1}` }));
  } else {
    items = value.split(',').map((item) => ({ id: item.trim(), where: flag }));
  }
  const ids = items.filter((item) => item.id !== '').map((item) => checkPathId(item.id, item.where));
  if (ids.length === 0) throw new InputError(`${flag} ${value}: no ids given`);
  return [...new Set(ids)];
}
