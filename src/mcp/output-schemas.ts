import * as z from 'zod/mini';
import { answerResult } from '../operations/answer-operation.js';
import { cancelResult } from '../operations/cancel-operation.js';
import { compareResult } from '../operations/compare-operation.js';
import { pickResult } from '../operations/pick-operation.js';
import { diffResult } from '../operations/diff-operation.js';
import { discardResult } from '../operations/discard-operation.js';
import { cleanResult } from '../operations/clean-operation.js';
import { logsResult } from '../operations/logs-operation.js';
import { mergeResult } from '../operations/merge-operation.js';
import { modelsResult } from '../operations/models-operation.js';
import { noteResult } from '../operations/note-operation.js';
import { retryResult } from '../operations/retry-operation.js';
import { continueResult } from '../operations/continue-operation.js';
import { runResult } from '../operations/run-operation.js';
import { overviewTask, taskDetail } from '../operations/status-operation.js';
import { waitResult } from '../operations/wait-operation.js';
import { taskResultsView } from '../operations/task-results-operation.js';

/**
 * The tools' structured output: the operations' result declarations. Structured output is an
 * object, so a run gives its first task's result with every dispatched task under `tasks` (more
 * than one when a plan was fanned out), and the list its tasks under `tasks`.
 */
export const runOutput = z.extend(runResult, { tasks: z.array(runResult) });
export const statusOutput = taskDetail;
export const showOutput = taskResultsView;
export const listOutput = z.object({ tasks: z.array(overviewTask) });
export const answerOutput = answerResult;
export const noteOutput = noteResult;
export const cancelOutput = cancelResult;
export const retryOutput = retryResult;
export const continueOutput = continueResult;
export const diffOutput = diffResult;
export const mergeOutput = mergeResult;
export const discardOutput = discardResult;
export const cleanOutput = cleanResult;
export const compareOutput = compareResult;
export const pickOutput = pickResult;
export const logsOutput = logsResult;
export const waitOutput = waitResult;
export const modelsOutput = modelsResult;
