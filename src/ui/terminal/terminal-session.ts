import { writeSync } from 'node:fs';
import { emitKeypressEvents } from 'node:readline';
import { ANSI } from './ansi.js';

/**
 * The terminal while the full-screen view owns it: alternate screen, hidden cursor, raw keys.
 * `restore` puts everything back; it also runs on process exit, so an error or a signal never
 * leaves the user's terminal in raw mode on the alternate screen.
 */
export class TerminalSession {
  private active = false;
  private previous: string[] = [];
  private readonly onExit = () => this.restore();

  constructor(
    private readonly input: NodeJS.ReadStream,
    private readonly output: NodeJS.WriteStream,
  ) {}

  get size(): { width: number; height: number } {
    return { width: this.output.columns || 80, height: this.output.rows || 24 };
  }

  enter(): void {
    if (this.active) return;
    this.active = true;
    process.on('exit', this.onExit);
    emitKeypressEvents(this.input);
    this.input.setRawMode?.(true);
    this.input.resume();
    this.output.write(ANSI.enterAltScreen + ANSI.hideCursor + ANSI.clearScreen);
  }

  /** Writes the lines that differ from the last frame, then places (or hides) the cursor. */
  draw(lines: readonly string[], cursor: { row: number; col: number } | undefined): void {
    if (!this.active) return;
    let out = ANSI.hideCursor;
    lines.forEach((line, row) => {
      if (this.previous[row] !== line) out += ANSI.moveTo(row, 0) + line;
    });
    this.previous = [...lines];
    if (cursor) out += ANSI.moveTo(cursor.row, cursor.col) + ANSI.showCursor;
    this.output.write(out);
  }

  /** After a resize the old frame is meaningless: clear and draw everything again. */
  invalidate(): void {
    this.previous = [];
    if (this.active) this.output.write(ANSI.reset + ANSI.clearScreen);
  }

  bell(): void {
    if (this.active) this.output.write(ANSI.bell);
  }

  restore(): void {
    if (!this.active) return;
    this.active = false;
    process.off('exit', this.onExit);
    try {
      this.input.setRawMode?.(false);
    } catch {
      // the terminal is gone (hang-up)
    }
    this.input.pause();
    const text = ANSI.reset + ANSI.showCursor + ANSI.leaveAltScreen;
    try {
      // Synchronous, because this may run inside the process's exit handler.
      writeSync((this.output as { fd?: number }).fd ?? 1, text);
    } catch {
      // the terminal is gone
    }
  }
}
