import {
  changesText,
  costText,
  tokensText,
  verifyText,
  type ComparisonRow,
} from '../../core/bestof/comparison.js';
import { terminalText } from '../../core/text/terminal-text.js';
import type { CompareResult } from '../../operations/compare-operation.js';
import { formatElapsed } from '../../ui/shared/durations.js';
import { paint } from '../../ui/shared/style.js';

const MAX_FILES_SHOWN = 4;

function filesText(row: ComparisonRow): string {
  if (!row.changes) return 'unknown';
  const { files } = row.changes;
  if (files.length === 0) return 'none';
  const shown = files.slice(0, MAX_FILES_SHOWN).map(terminalText).join(', ');
  return files.length > MAX_FILES_SHOWN
    ? `${shown} and ${files.length - MAX_FILES_SHOWN} more`
    : shown;
}

/** The cells of one run, in the order of the header. */
function cells(row: ComparisonRow): string[] {
  return [
    String(row.index),
    row.id,
    terminalText(row.model ?? '?'),
    verifyText(row),
    changesText(row.changes),
    String(row.changes?.files.length ?? '?'),
    row.elapsedMs !== null ? formatElapsed(row.elapsedMs) : '-',
    tokensText(row.tokens),
    costText(row.costUsd),
  ];
}

const HEADER = ['#', 'ID', 'MODEL', 'VERIFY', 'DIFF', 'FILES', 'TIME', 'TOKENS', 'COST'];

/** `dispatch compare`: a table of the runs, the files each touched, and what to do next. */
export function compareLines(result: CompareResult): string[] {
  const rows = result.runs.map(cells);
  const widths = HEADER.map((head, i) => Math.max(head.length, ...rows.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [
    `${paint(result.group, 'bold')} — ${terminalText(result.title)} (best of ${result.of})`,
    paint(line(HEADER), 'dim'),
    ...rows.map(line),
    '',
    ...result.runs.map((row) => `  ${row.id} files: ${filesText(row)}`),
    '',
  ];
  if (!result.settled) lines.push(`Not all runs have finished: dispatch wait ${result.group}`);
  const merged = result.runs.filter((row) => row.merged);
  if (merged.length > 0) {
    lines.push(`Merged: ${merged.map((row) => row.id).join(', ')}`);
    return lines;
  }
  const passing = result.runs.filter((row) => row.outcome === 'done-verified');
  const example = passing[0] ?? result.runs[0];
  if (example)
    lines.push(
      `Look closer: dispatch diff ${example.id} · keep one and discard the others: dispatch pick ${result.group} ${example.index}`,
    );
  return lines;
}
