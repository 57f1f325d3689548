import { describe, expect, it } from 'vitest';
import { decodeBackslashReplace } from '../../../src/environment/backslash-replace.js';

// Expected values are what CPython 3.11 prints for bytes.decode('utf-8', 'backslashreplace').
describe('decodeBackslashReplace', () => {
  it.each([
    ['valid text', Buffer.from('café ☃ 𝄞\n'), 'café ☃ 𝄞\n'],
    ['stray bytes', Buffer.from([0x63, 0xff, 0xfe, 0x64]), 'c\\xff\\xfed'],
    ['a PNG header', Buffer.from([0x89, 0x50, 0x4e, 0x47]), '\\x89PNG'],
    ['a truncated sequence before ASCII', Buffer.from([0xe2, 0x82, 0x41]), '\\xe2\\x82A'],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf]), '\\xc0\\xaf'],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80]), '\\xed\\xa0\\x80'],
    ['a truncated sequence at the end', Buffer.from([0x61, 0xf0, 0x9f, 0x98]), 'a\\xf0\\x9f\\x98'],
  ])('%s', (_name, bytes, expected) => {
    expect(decodeBackslashReplace(bytes)).toBe(expected);
  });
});
