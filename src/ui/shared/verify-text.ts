import { terminalText } from '../../core/text/terminal-text.js';

/** What the verify lines need: a task's verify view, or its JSON form. */
export interface VerifyShown {
  command: string;
  step: string;
  round: number;
  rounds: number;
  history: readonly {
    attempt: number;
    passed: boolean;
    code: number | null;
    timedOut: boolean;
  }[];
}

const STEP_WORDS: Record<string, string> = {
  waiting: 'runs when the worker exits',
  pending: 'starting',
  running: 'running',
  passed: 'passed',
  failed: 'failed',
};

/** "npm test: failed (round 2 of 3)" */
export function verifyLine(verify: VerifyShown): string {
  const rounds = verify.rounds > 1 ? ` (round ${verify.round} of ${verify.rounds})` : '';
  return terminalText(`${verify.command}: ${STEP_WORDS[verify.step] ?? verify.step}${rounds}`);
}

/** "attempt 1 failed (exit code 1), attempt 2 passed", or empty with fewer than two results. */
export function verifyHistoryLine(verify: VerifyShown): string {
  if (verify.history.length < 2) return '';
  return verify.history
    .map((round) => {
      if (round.passed) return `attempt ${round.attempt} passed`;
      const how = round.timedOut
        ? 'time limit'
        : round.code === null
          ? 'stopped'
          : `exit code ${round.code}`;
      return `attempt ${round.attempt} failed (${how})`;
    })
    .join(', ');
}
