/** The few escape sequences the full-screen view needs (VT100/xterm; tmux and every modern terminal). */
export const ANSI = {
  enterAltScreen: '\u001b[?1049h',
  leaveAltScreen: '\u001b[?1049l',
  hideCursor: '\u001b[?25l',
  showCursor: '\u001b[?25h',
  clearScreen: '\u001b[2J',
  reset: '\u001b[0m',
  bell: '\u0007',
  /** Row and column from 0. */
  moveTo: (row: number, col: number) => `\u001b[${row + 1};${col + 1}H`,
} as const;
