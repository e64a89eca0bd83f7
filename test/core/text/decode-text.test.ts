import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../../src/core/errors.js';
import { checkDecodedText, decodeText } from '../../../src/core/text/decode-text.js';

function refusal(run: () => unknown): DispatchError {
  try {
    run();
  } catch (error) {
    if (error instanceof DispatchError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('decodeText', () => {
  it('returns UTF-8 text unchanged, accents and emoji included', () => {
    const text = 'café 🍰\nnaïve ✓\n';
    expect(decodeText(Buffer.from(text), 'f', 'usage')).toBe(text);
  });

  it.each([
    ['a Latin-1 byte', Buffer.from('ab\ncd\xe9', 'latin1'), 5, 2, 3, 'byte 0xe9'],
    ['a lone continuation byte', Buffer.from([0x61, 0x80]), 1, 1, 2, 'byte 0x80'],
    ['an overlong encoding', Buffer.from([0x61, 0xc0, 0xaf]), 1, 1, 2, 'byte 0xc0'],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80]), 0, 1, 1, 'byte 0xed'],
    ['a sequence cut short', Buffer.from([0x61, 0x62, 0xe2, 0x82]), 2, 1, 3, 'byte 0xe2'],
    ['a NUL byte', Buffer.from('ok\n\0'), 3, 2, 1, 'NUL byte'],
  ])('refuses %s with its byte offset, line and column', (_, bytes, offset, line, column, what) => {
    const error = refusal(() => decodeText(bytes, '/plan.md', 'usage', { isFile: true }));
    expect(error.code).toBe('usage');
    expect(error.message).toContain(what);
    expect(error.message).toContain(`at byte offset ${offset} (line ${line}, column ${column})`);
    expect(error.location).toEqual({ file: '/plan.md', line, column });
  });

  it('names the first problem when there are several', () => {
    const error = refusal(() => decodeText(Buffer.from('\xe9\0', 'latin1'), 'stdin', 'config'));
    expect(error.message).toBe(
      'stdin: is not UTF-8 text (byte 0xe9) at byte offset 0 (line 1, column 1)',
    );
    expect(error.location).toBeUndefined();
  });
});

describe('checkDecodedText', () => {
  it('accepts text and refuses U+FFFD or NUL with the character position', () => {
    expect(() => checkDecodedText('fine ✓', '--item 1', 'usage')).not.toThrow();
    expect(refusal(() => checkDecodedText('a\nb\uFFFD', '--item 2', 'usage')).message).toBe(
      '--item 2: contains bytes that are not UTF-8 (shown as U+FFFD) at character 3 (line 2, column 2)',
    );
    expect(refusal(() => checkDecodedText('a\0', 'the task text', 'usage')).message).toContain(
      'contains a NUL character at character 1',
    );
  });
});
