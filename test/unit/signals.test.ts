import { describe, expect, it } from 'vitest';
import { signalFromExitCode } from '../../src/core/status/signals.js';

describe('signalFromExitCode', () => {
  it.each([
    [129, 'SIGHUP'],
    [130, 'SIGINT'],
    [131, 'SIGQUIT'],
    [134, 'SIGABRT'],
    [137, 'SIGKILL'],
    [139, 'SIGSEGV'],
    [141, 'SIGPIPE'],
    [142, 'SIGALRM'],
    [143, 'SIGTERM'],
  ])('reads %d as %s (128 + n)', (code, signal) => {
    expect(signalFromExitCode(code)).toBe(signal);
  });

  it('names a signal without a well-known name by its number', () => {
    expect(signalFromExitCode(138)).toBe('signal 10');
    expect(signalFromExitCode(192)).toBe('signal 64');
  });

  it('reads ordinary exit codes as no signal', () => {
    for (const code of [0, 1, 2, 126, 127, 128, 193, 255, -1]) {
      expect(signalFromExitCode(code)).toBeUndefined();
    }
  });
});
