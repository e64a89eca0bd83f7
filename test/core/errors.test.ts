import { describe, expect, it } from 'vitest';
import { DispatchError, formatLocation, isDispatchError } from '../../src/core/errors.js';

describe('DispatchError', () => {
  it('carries a code, a hint and a location', () => {
    const error = new DispatchError('config', 'bad config', {
      hint: 'fix it',
      location: { file: '/a/config.yaml', line: 3, column: 5 },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DispatchError');
    expect(error.message).toBe('bad config');
    expect(error.code).toBe('config');
    expect(error.hint).toBe('fix it');
    expect(error.location).toEqual({ file: '/a/config.yaml', line: 3, column: 5 });
  });

  it('leaves hint, location and cause unset when not given', () => {
    const error = new DispatchError('usage', 'nope');
    expect(error.hint).toBeUndefined();
    expect(error.location).toBeUndefined();
    expect(error.cause).toBeUndefined();
    expect('cause' in error).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('EACCES');
    expect(new DispatchError('io', 'cannot write', { cause }).cause).toBe(cause);
  });
});

describe('formatLocation', () => {
  it('writes file:line:column as editors recognise it', () => {
    expect(formatLocation({ file: 'config.yaml', line: 3, column: 5 })).toBe('config.yaml:3:5');
    expect(formatLocation({ file: 'config.yaml', line: 3 })).toBe('config.yaml:3');
    expect(formatLocation({ file: 'config.yaml' })).toBe('config.yaml');
  });

  it('leaves out a column without a line', () => {
    expect(formatLocation({ file: 'config.yaml', column: 5 })).toBe('config.yaml');
  });
});

describe('isDispatchError', () => {
  it('tells DispatchErrors from other values', () => {
    expect(isDispatchError(new DispatchError('state', 'x'))).toBe(true);
    expect(isDispatchError(new Error('x'))).toBe(false);
    expect(isDispatchError({ code: 'config', message: 'x' })).toBe(false);
    expect(isDispatchError(undefined)).toBe(false);
  });
});
