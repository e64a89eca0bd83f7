import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private tmux server (its own socket) to run a full-screen program in a real terminal and read
 * its screen. `kill()` ends the server and everything in it.
 */
export class Tmux {
  private readonly socket = `dispatch-test-${process.pid}-${Date.now().toString(36)}`;
  private readonly config: string;

  constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    // Keep a pane whose program exited, so its last screen can still be read.
    this.config = join(dir, 'tmux.conf');
    writeFileSync(this.config, 'set -g remain-on-exit on\nset -g history-limit 0\n');
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', this.config, ...args], {
      env: { ...this.env, TMUX: '', TMUX_TMPDIR: this.dir },
      encoding: 'utf8',
    });
  }

  /**
   * Starts `argv` in a new detached session of the given size. A small sh parent records the exit
   * status in a file: tmux sometimes leaves an exited pane program unreaped (a zombie whose status
   * it never reports), so its own exit status cannot be relied on.
   */
  start(session: string, argv: string[], options: { cwd: string; width: number; height: number }) {
    this.tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      String(options.width),
      '-y',
      String(options.height),
      '-c',
      options.cwd,
      '--',
      'sh',
      '-c',
      '"$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"',
      this.exitFile(session),
      ...argv,
    );
  }

  private exitFile(session: string): string {
    return join(this.dir, `tmux-${session}.exit`);
  }

  screen(session: string): string {
    return this.tmux('capture-pane', '-p', '-t', session);
  }

  /** Named keys as tmux knows them: Enter, Escape, Up, C-c … */
  keys(session: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', session, ...keys);
  }

  /** Text typed as it is. */
  type(session: string, text: string): void {
    this.tmux('send-keys', '-t', session, '-l', text);
  }

  format(session: string, format: string): string {
    return this.tmux('display-message', '-p', '-t', session, format).trim();
  }

  resize(session: string, width: number, height: number): void {
    this.tmux('resize-window', '-t', session, '-x', String(width), '-y', String(height));
  }

  /**
   * Polls the screen until `test` accepts it (returns the screen), failing after the deadline with
   * the last screen seen.
   */
  async waitForScreen(
    session: string,
    test: RegExp | ((screen: string) => boolean),
    timeoutMs = 20_000,
  ): Promise<string> {
    const accept = typeof test === 'function' ? test : (screen: string) => test.test(screen);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = this.screen(session);
      if (accept(screen)) return screen;
      if (Date.now() > deadline)
        throw new Error(
          `the screen did not show ${String(test)} within ${timeoutMs} ms:\n${screen}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits until the session's program has exited; returns its exit status. */
  async waitForExit(session: string, timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return Number(readFileSync(this.exitFile(session), 'utf8').trim());
      } catch {
        // not exited yet
      }
      if (Date.now() > deadline)
        throw new Error(
          `the program did not exit within ${timeoutMs} ms:\n${this.screen(session)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
