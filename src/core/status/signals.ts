const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/**
 * The well-known signal whose death a shell reports as this exit status (128 + n). Only a hint:
 * a program may exit with such a code itself (Gemini CLI exits 145 or 173 on its own), so a
 * worker counts as killed only when its wrapper saw the signal (the `signal` of `exited`).
 */
export function signalFromExitCode(code: number): string | undefined {
  if (code <= 128 || code > 128 + 64) return undefined;
  return SIGNAL_NAMES[code - 128];
}
