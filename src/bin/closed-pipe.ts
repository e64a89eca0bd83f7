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
