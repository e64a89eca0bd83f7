import { describe, expect, it } from 'vitest';
import { boundText, fitRecord } from '../../../src/core/task/bound-text.js';

describe('boundText', () => {
  it('keeps short text as it is', () => {
    expect(boundText('short')).toBe('short');
  });

  it('cuts long text to the limit with a marker that gives the full size', () => {
    const cut = boundText('a'.repeat(5000), 100);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/^a+… \[truncated, 5000 bytes\]$/);
  });

  it('never cuts inside a multi-byte character', () => {
    const cut = boundText('é'.repeat(3000), 101);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(101);
    expect(cut).not.toContain('\uFFFD');
    expect(cut).toMatch(/^é+… \[truncated, 6000 bytes\]$/);
  });
});

describe('fitRecord', () => {
  it('shortens the longest fields until the JSON fits', () => {
    const record = { type: 'x', a: 'a'.repeat(3000), b: 'b'.repeat(3000), n: 7 };
    const fitted = fitRecord(record, 2000);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(2000);
    expect(fitted).toMatchObject({ type: 'x', n: 7 });
    expect(fitted.a).toMatch(/truncated, 3000 bytes/);
  });

  it('counts the escapes JSON adds for control characters', () => {
    const fitted = fitRecord({ text: '\u0001'.repeat(2000) }, 1000);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(1000);
  });
});
