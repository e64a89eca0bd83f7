import type { VerifyFeedback } from '../../core/verify/verify-feedback.js';
import { verifyLogOutput, verifyOutputTail } from '../../core/verify/verify-feedback.js';
import { verifyFailureText, type VerifyView } from '../../core/verify/verify-status.js';
import type { TaskFiles } from '../paths.js';
import { readTextFile } from '../store/read-text.js';

/** How much of verify.log is read back to give a worker its end. */
const MAX_LOG_READ = 512 * 1024;

/**
 * What a worker sent back after a failed verify is told: the command, how it failed and the end
 * of verify.log (read without following a link). Undefined when the view has no failed result.
 */
export function readVerifyFeedback(
  files: TaskFiles,
  verify: VerifyView,
  round: number,
): VerifyFeedback | undefined {
  const result = verify.result;
  if (!result || result.passed) return undefined;
  const log = readTextFile(files.verifyLog, MAX_LOG_READ);
  return {
    command: verify.command,
    failure: verifyFailureText({ ...result, lastLine: '' }),
    output: verifyOutputTail(log.ok ? verifyLogOutput(log.text) : ''),
    round,
    rounds: verify.rounds,
    logFile: files.verifyLog,
  };
}
