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

/** A shell reports a child killed by signal n as exit status 128 + n. */
export function signalFromExitCode(code: number): string | undefined {
  if (code <= 128 || code > 128 + 64) return undefined;
  return SIGNAL_NAMES[code - 128] ?? `signal ${code - 128}`;
}
