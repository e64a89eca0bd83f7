import { describe, expect, it } from 'vitest';
import { markerChar, markerFromChar } from '../../../src/core/plan/markers.js';
import type { Marker } from '../../../src/core/plan/plan-types.js';

describe('markers', () => {
  it('maps the characters between the brackets to markers', () => {
    expect(markerFromChar(' ')).toBe('pending');
    expect(markerFromChar('x')).toBe('done');
    expect(markerFromChar('X')).toBe('done');
    expect(markerFromChar('?')).toBe('blocked');
    expect(markerFromChar('!')).toBe('error');
  });

  it('knows no other characters', () => {
    for (const char of ['', '-', 'o', 'v', '*', '  ', 'xx', '\t']) {
      expect(markerFromChar(char)).toBeUndefined();
    }
  });

  it('writes each marker with its canonical character, which reads back as the same marker', () => {
    const markers: Marker[] = ['pending', 'done', 'blocked', 'error'];
    expect(markers.map(markerChar)).toEqual([' ', 'x', '?', '!']);
    for (const marker of markers) expect(markerFromChar(markerChar(marker))).toBe(marker);
  });
});
