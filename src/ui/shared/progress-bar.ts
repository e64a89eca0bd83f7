/** [#####-----] for done/total. */
export function progressBar(done: number, total: number, width = 10): string {
  if (total <= 0) return `[${'-'.repeat(width)}]`;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
