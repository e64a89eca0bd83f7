import { spawn } from 'node:child_process';

/**
 * Opens a URL in the default browser (open on macOS, xdg-open elsewhere), as an argv array with
 * no shell. Failure is ignored: the URL is printed anyway.
 */
export function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener installed
  }
}
