/**
 * A reader that goes away (`dispatch list | head -1`) is not an error: the command stops quietly
 * with the status it has so far, as other command-line tools do, instead of dying with an
 * unhandled EPIPE and a stack trace. Any other stream error stays fatal.
 */
export function exitQuietlyWhenPipeCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}

/**
 * Exits with the status set so far once stdout and stderr have handed their output to the
 * system (a pipe can be asynchronous on some systems), without waiting for the event loop to
 * run dry.
 */
export function exitOnceWritten(): void {
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  let left = pending.length;
  const exit = () => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  if (left === 0) return exit();
  for (const stream of pending)
    stream.once('drain', () => {
      if (--left === 0) exit();
    });
}
