import { describe, expect, it } from 'vitest';
import {
  bestOfModels,
  childId,
  childIndex,
  MAX_BEST_OF,
  readBestOf,
} from '../../../src/core/bestof/best-of.js';
import { isValidTaskId } from '../../../src/core/task/task-id.js';

describe('bestOfModels', () => {
  it('cycles through fewer models than runs', () => {
    expect(bestOfModels(4, ['a', 'b'], undefined)).toEqual(['a', 'b', 'a', 'b']);
    expect(bestOfModels(3, ['a', 'b'], undefined)).toEqual(['a', 'b', 'a']);
    expect(bestOfModels(2, ['a', 'b'], undefined)).toEqual(['a', 'b']);
  });

  it('trims the names and keeps one model repeated', () => {
    expect(bestOfModels(3, [' sonnet '], undefined)).toEqual(['sonnet', 'sonnet', 'sonnet']);
  });

  it('runs every try on --model, or the default, without --models', () => {
    expect(bestOfModels(3, undefined, 'opus')).toEqual(['opus', 'opus', 'opus']);
    expect(bestOfModels(2, [], undefined)).toEqual([undefined, undefined]);
  });

  it('refuses more models than runs', () => {
    expect(() => bestOfModels(2, ['a', 'b', 'c'], undefined)).toThrow(
      '--models names 3 models but --best-of 2 starts only 2 runs',
    );
  });

  it('refuses --model beside --models, an empty name, and a count out of range', () => {
    expect(() => bestOfModels(2, ['a'], 'b')).toThrow('--model and --models both choose');
    expect(() => bestOfModels(2, ['a', ''], undefined)).toThrow('--models has an empty name');
    for (const n of [1, 0, -2, 2.5, MAX_BEST_OF + 1, Number.NaN])
      expect(() => bestOfModels(n, undefined, undefined), String(n)).toThrow(
        `--best-of takes a whole number from 2 to ${MAX_BEST_OF}`,
      );
    expect(bestOfModels(MAX_BEST_OF, undefined, undefined)).toHaveLength(MAX_BEST_OF);
  });
});

describe('run ids', () => {
  it('names a run <group>.<n>, a valid task id', () => {
    expect(childId('fix-parser', 2)).toBe('fix-parser.2');
    expect(isValidTaskId(childId('fix-parser', 10))).toBe(true);
  });

  it('reads the run number back only from <group>.<n>', () => {
    expect(childIndex('fix-parser', 'fix-parser.2')).toBe(2);
    expect(childIndex('fix-parser', 'fix-parser.10')).toBe(10);
    expect(childIndex('fix-parser', 'fix-parser')).toBeUndefined();
    expect(childIndex('fix-parser', 'fix-parser.0')).toBeUndefined();
    expect(childIndex('fix-parser', 'fix-parser.2.1')).toBeUndefined();
    expect(childIndex('fix-parser', 'fix-parser-2')).toBeUndefined();
    expect(childIndex('fix', 'fix-parser.2')).toBeUndefined();
  });
});

describe('readBestOf', () => {
  it('takes a well-formed record and nothing else', () => {
    expect(readBestOf({ group: 'g', index: 1, of: 2 })).toEqual({ group: 'g', index: 1, of: 2 });
    expect(readBestOf(undefined)).toBeUndefined();
    expect(readBestOf('g')).toBeUndefined();
    expect(readBestOf({ group: 1, index: 1, of: 2 })).toBeUndefined();
    expect(readBestOf({ group: 'g', index: '1', of: 2 })).toBeUndefined();
    expect(readBestOf({ group: 'g', index: 1.5, of: 2 })).toBeUndefined();
  });
});
