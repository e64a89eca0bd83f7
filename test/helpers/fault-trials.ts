import { appendFileSync } from 'node:fs';

/**
 * Trial counts for the fault and race tests: a few tens in the quick `npm test`, hundreds under
 * `npm run faults` (FAULT_SUITE=1), which also collects each test's figures for its table.
 */
export function trials(quick: number, full: number): number {
  return process.env.FAULT_SUITE === '1' ? full : quick;
}

export interface FaultFigures {
  test: string;
  trials: number;
  /** Faults injected: kills, stops, racing commands, oversized records. */
  faults: number;
  lost: number;
  doubled: number;
}

/** Records one test's figures for the `npm run faults` table (nothing in a quick run). */
export function reportFaults(figures: FaultFigures): void {
  const file = process.env.FAULT_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
}
