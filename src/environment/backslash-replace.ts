/**
 * UTF-8 decoding as Python's `bytes.decode('utf-8', 'backslashreplace')`: every byte that is not
 * part of a valid sequence becomes the four characters `\xNN`. SWE-ReX's bash session (pexpect with
 * codec_errors="backslashreplace") showed SWE-agent's models shell output this way, so a binary file
 * `cat`-ed by the agent must look the same here.
 */
export function decodeBackslashReplace(bytes: Uint8Array): string {
  const parts: string[] = [];
  let validStart = 0;
  let i = 0;
  const flushValid = (end: number) => {
    if (end > validStart) parts.push(Buffer.from(bytes.subarray(validStart, end)).toString('utf8'));
  };
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    flushValid(i);
    parts.push(`\\x${bytes[i]!.toString(16).padStart(2, '0')}`);
    i++;
    validStart = i;
  }
  flushValid(i);
  return parts.join('');
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0 when there is none. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i]!;
  if (b0 < 0x80) return 1;
  const inRange = (offset: number, lo: number, hi: number) => i + offset < b.length && b[i + offset]! >= lo && b[i + offset]! <= hi;
  const cont = (offset: number) => inRange(offset, 0x80, 0xbf);
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return inRange(1, 0xa0, 0xbf) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return inRange(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return inRange(1, 0x90, 0xbf) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return inRange(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
