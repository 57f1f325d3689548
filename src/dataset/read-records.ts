import { readFile } from 'node:fs/promises';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { InputError, errorMessage } from '../errors.js';

/** One raw record and where it came from, so validation errors can point at it. */
export interface RawRecord {
  value: unknown;
  /** `file.jsonl:12`, `file.json[3]`, `file.parquet row 5`. */
  location: string;
}

/** JSON Lines: one object per line, blank lines skipped; locations are 1-based line numbers. */
export function parseJsonLines(text: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const location = `${file}:${index + 1}`;
    try {
      records.push({ value: JSON.parse(line), location });
    } catch (err) {
      throw new InputError(`${location}: not valid JSON (${errorMessage(err)})`);
    }
  });
  return records;
}

/** A JSON array of objects; locations are 0-based array indexes. */
function parseJsonArray(text: string, file: string): RawRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${errorMessage(err)})`);
  }
  if (!Array.isArray(value)) throw new InputError(`${file}: expected a JSON array of rows`);
  return value.map((item, index) => ({ value: item, location: `${file}[${index}]` }));
}

export async function parseParquet(bytes: Buffer, file: string): Promise<RawRecord[]> {
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: arrayBuffer, compressors });
  } catch (err) {
    throw new InputError(`${file}: not a readable parquet file (${errorMessage(err)})`);
  }
  return rows.map((row, index) => ({ value: row, location: `${file} row ${index + 1}` }));
}

/** Reads a local dataset file by extension: .jsonl, .json or .parquet. */
export async function readRecordsFromFile(file: string): Promise<{ records: RawRecord[]; bytes: Buffer }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new InputError(`${file}: cannot read dataset file (${errorMessage(err)})`);
  }
  if (file.endsWith('.jsonl')) return { records: parseJsonLines(bytes.toString('utf8'), file), bytes };
  if (file.endsWith('.json')) return { records: parseJsonArray(bytes.toString('utf8'), file), bytes };
  if (file.endsWith('.parquet')) return { records: await parseParquet(bytes, file), bytes };
  throw new InputError(`${file}: unknown dataset format; expected a .jsonl, .json or .parquet file`);
}
