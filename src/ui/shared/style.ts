/** Terminal colours only when writing to a terminal that wants them (NO_COLOR, FORCE_COLOR). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  let answer = decided.get(stream);
  if (answer === undefined) {
    if (process.env.NO_COLOR) answer = false;
    else if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') answer = true;
    else answer = stream.isTTY === true;
    decided.set(stream, answer);
  }
  return answer;
}

/** Decided once per stream: reading the environment is slow enough to show in long listings. */
const decided = new WeakMap<NodeJS.WriteStream, boolean>();

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
} as const;
export type StyleName = keyof typeof CODES;

export function paint(text: string, style: StyleName, enabled = useColor()): string {
  if (!enabled) return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
