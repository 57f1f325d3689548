import { readFileSync } from 'node:fs';
import { InputError, errorMessage } from '../errors.js';

/**
 * `--instances a,b` or `--instances @FILE` (one id per line; blank lines and `#` comments skipped).
 * Empty items are dropped; an empty result is an InputError.
 */
export function parseIdList(value: string, flag = '--instances'): string[] {
  let items: string[];
  if (value.startsWith('@')) {
    const file = value.slice(1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(`${flag} @${file}: cannot read the id file (${errorMessage(err)})`);
    }
    items = text.split('\n').map((line) => line.replace(/#.*/, '').trim());
  } else {
    items = value.split(',').map((item) => item.trim());
  }
  const ids = items.filter((item) => item !== '');
  if (ids.length === 0) throw new InputError(`${flag} ${value}: no ids given`);
  return [...new Set(ids)];
}
