/**
 * The smallest tar reader and writer the archive API needs: one regular file in, one entry out.
 * Docker's getArchive/putArchive speak POSIX tar; names longer than 100 bytes travel in a PAX
 * header, which both sides here understand.
 */
const BLOCK = 512;

export interface TarFile {
  name: string;
  content: Buffer;
  /** @default 0o644 */
  mode?: number;
}

export type TarEntry =
  | { kind: 'file'; name: string; content: Buffer }
  | { kind: 'directory'; name: string }
  | { kind: 'symlink'; name: string; target: string }
  | { kind: 'other'; name: string };

/** A tar archive holding the given regular files, owned by root. */
export function packTar(files: TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    if (Buffer.byteLength(file.name) > 100) {
      const pax = paxRecord('path', file.name);
      parts.push(header({ name: 'PaxHeader', size: pax.length, type: 'x', mode: 0o644 }), padded(pax));
    }
    const name = Buffer.byteLength(file.name) > 100 ? file.name.slice(-100) : file.name;
    parts.push(header({ name, size: file.content.length, type: '0', mode: file.mode ?? 0o644 }));
    parts.push(padded(file.content));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** Every entry of an uncompressed tar archive, in order. */
export function unpackTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let pendingName: string | undefined;
  let pendingTarget: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const size = parseOctal(block.subarray(124, 136));
    const type = String.fromCharCode(block[156] ?? 0);
    const body = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      const records = parsePax(body);
      pendingName = records.get('path') ?? pendingName;
      pendingTarget = records.get('linkpath') ?? pendingTarget;
      continue;
    }
    // GNU long name ('L') and long link target ('K') entries precede the entry they describe.
    if (type === 'L' || type === 'K') {
      if (type === 'L') pendingName = cString(body);
      else pendingTarget = cString(body);
      continue;
    }
    if (type === 'g') continue;
    const prefix = cString(block.subarray(345, 500));
    const shortName = cString(block.subarray(0, 100));
    const name = pendingName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    const target = pendingTarget ?? cString(block.subarray(157, 257));
    pendingName = undefined;
    pendingTarget = undefined;
    if (type === '0' || type === '\0' || type === '7') entries.push({ kind: 'file', name, content: Buffer.from(body) });
    else if (type === '5') entries.push({ kind: 'directory', name });
    else if (type === '2') entries.push({ kind: 'symlink', name, target });
    else entries.push({ kind: 'other', name });
  }
  return entries;
}

function header(entry: { name: string; size: number; type: string; mode: number }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(entry.name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, entry.mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, entry.size);
  writeOctal(block, 136, 12, Math.floor(Date.now() / 1000));
  block.write(entry.type, 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  block.fill(' ', 148, 156);
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  block.write(`${checksum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'ascii');
}

function parseOctal(field: Buffer): number {
  const text = cString(field).trim();
  return text ? parseInt(text, 8) : 0;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function padded(content: Buffer): Buffer {
  const remainder = content.length % BLOCK;
  return remainder === 0 ? content : Buffer.concat([content, Buffer.alloc(BLOCK - remainder)]);
}

/** A PAX record is "<length> <key>=<value>\n" where <length> counts its own digits. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  length += String(length).length;
  if (String(length).length !== String(length - String(length).length).length) length += 1;
  return Buffer.from(`${length}${body}`, 'utf8');
}

function parsePax(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(body.subarray(offset, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = body.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}
