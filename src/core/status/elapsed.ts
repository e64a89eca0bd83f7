/** Milliseconds from a task's start to its end (or `now` while it runs); undefined if unknown. */
export function elapsedMs(
  startedAt: string | undefined,
  endedAt: string | undefined,
  now = Date.now(),
): number | undefined {
  if (!startedAt) return undefined;
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : undefined;
}
