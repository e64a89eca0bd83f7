import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../../src/core/config/closest-match.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['opus', 'opus', 0],
    ['opus', 'opsu', 1],
    ['wait', 'wiat', 1],
    ['list', 'lsit', 1],
    ['ca', 'abc', 3],
    ['opus', 'opu', 1],
    ['opus', 'xopus', 1],
    ['kitten', 'sitting', 3],
    ['sonnet', 'sonet', 1],
    ['gpt-5', 'gpt-4', 1],
  ])('%j → %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestMatch', () => {
  const models = ['opus', 'sonnet', 'haiku', 'gpt-5', 'gpt-5.3-codex', 'sim'];

  it('suggests the model behind a typo', () => {
    expect(closestMatch('opsu', models)).toBe('opus');
    expect(closestMatch('sonet', models)).toBe('sonnet');
    expect(closestMatch('haiku3', models)).toBe('haiku');
    expect(closestMatch('gtp-5', models)).toBe('gpt-5');
  });

  it('catches two swapped letters before a shorter name the input starts with', () => {
    const commands = ['wait', 'watch', 'list', 'ls', 'status', 'answer'];
    expect(closestMatch('wiat', commands)).toBe('wait');
    expect(closestMatch('lsit', commands)).toBe('list');
    expect(closestMatch('stauts', commands)).toBe('status');
    expect(closestMatch('asnwer', commands)).toBe('answer');
  });

  it('ignores case', () => {
    expect(closestMatch('OPSU', models)).toBe('opus');
    expect(closestMatch('opsu', ['OPUS'])).toBe('OPUS');
  });

  it('suggests a name that contains the input or is contained in it', () => {
    expect(closestMatch('codex', models)).toBe('gpt-5.3-codex');
    expect(closestMatch('claude-haiku', models)).toBe('haiku');
  });

  it('suggests nothing when nothing is close', () => {
    expect(closestMatch('llama-70b', models)).toBeUndefined();
    expect(closestMatch('x', ['opus', 'haiku'])).toBeUndefined();
    expect(closestMatch('opsu', [])).toBeUndefined();
  });

  it('prefers the closest of several candidates', () => {
    expect(closestMatch('gpt-4', ['gpt-5.3-codex', 'gpt-5'])).toBe('gpt-5');
    expect(closestMatch('sonnnet', ['sonnet', 'sonnet-1m'])).toBe('sonnet');
  });

  it('allows more typos in a longer name', () => {
    expect(closestMatch('gemini-2.5-prx-latst', ['gemini-2.5-pro-latest'])).toBe(
      'gemini-2.5-pro-latest',
    );
    expect(closestMatch('abcd', ['wxyz'])).toBeUndefined();
  });
});
