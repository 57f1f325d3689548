import { describe, expect, it } from 'vitest';
import { CappedOutput, decodeUtf8 } from '../../../src/environment/docker/capped-output.js';

describe('CappedOutput', () => {
  it('keeps everything under the cap', () => {
    const output = new CappedOutput(100);
    output.push(Buffer.from('hello '));
    output.push(Buffer.from('world'));
    expect(output.toBuffer().toString()).toBe('hello world');
    expect(output.truncated).toBe(false);
    expect(output.totalBytes).toBe(11);
  });

  it('keeps the head and the tail with a line saying how much was cut', () => {
    const output = new CappedOutput(10);
    for (const chunk of ['ab', 'cdefg', 'hijklmnop', 'qrstu', 'vwxyz']) output.push(Buffer.from(chunk));
    expect(output.truncated).toBe(true);
    expect(output.totalBytes).toBe(26);
    expect(output.toBuffer().toString()).toBe('abcde\n[... 16 bytes of output cut (kept the first 5 and the last 5) ...]\nvwxyz');
  });

  it('stays bounded however much is pushed', () => {
    const output = new CappedOutput(1024);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let i = 0; i < 1000; i += 1) output.push(chunk);
    expect(output.totalBytes).toBe(64 * 1024 * 1000);
    expect(output.toBuffer().length).toBeLessThan(1024 + 200);
  });
});

describe('decodeUtf8', () => {
  it('replaces invalid bytes instead of throwing', () => {
    expect(decodeUtf8(Buffer.from([0x61, 0xff, 0x62, 0xc3, 0xa9]))).toBe('a\uFFFDbé');
  });
});
