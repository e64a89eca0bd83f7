import { describe, expect, it } from 'vitest';
import { signalFromExitCode } from '../../../src/core/status/signals.js';

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

  it('names no signal without a well-known name (145 and 173 are codes Gemini CLI exits with)', () => {
    for (const code of [138, 145, 173, 192]) expect(signalFromExitCode(code)).toBeUndefined();
  });

  it('reads ordinary exit codes as no signal', () => {
    for (const code of [0, 1, 2, 126, 127, 128, 193, 255, -1]) {
      expect(signalFromExitCode(code)).toBeUndefined();
    }
  });
});
