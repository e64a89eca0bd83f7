/**
 * Everything the simulated worker prints. Lines start with `[sim]` so a worker.log shows at a
 * glance that no AI model produced them.
 */
export const BANNER =
  "[sim] agent-dispatch simulated worker — not an AI model; it follows the plan's scripted directives.";

export function say(text: string): void {
  process.stdout.write(`[sim] ${oneLine(text)}\n`);
}

export function complain(text: string): void {
  process.stderr.write(`[sim] error: ${text}\n`);
}

/** Keeps one log line per step even when an item, note or answer spans several lines. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' / ');
}
