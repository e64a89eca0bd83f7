import * as z from 'zod/mini';
import { answerInput } from '../operations/answer-operation.js';
import { cancelInput } from '../operations/cancel-operation.js';
import { compareInput } from '../operations/compare-operation.js';
import { pickInput } from '../operations/pick-operation.js';
import { diffInput } from '../operations/diff-operation.js';
import { discardInput } from '../operations/discard-operation.js';
import { cleanInput } from '../operations/clean-operation.js';
import { logsInput } from '../operations/logs-operation.js';
import { mergeInput } from '../operations/merge-operation.js';
import { noteInput } from '../operations/note-operation.js';
import { retryInput } from '../operations/retry-operation.js';
import { continueInput } from '../operations/continue-operation.js';
import { runInput } from '../operations/run-operation.js';
import { statusInput } from '../operations/status-operation.js';
import { taskResultsInput } from '../operations/task-results-operation.js';
import { waitInput } from '../operations/wait-operation.js';

/**
 * The tools' arguments: the operations' own input declarations, minus what only a terminal
 * needs (colours, a plan file's name) and with MCP's names where they differ.
 */
const run = runInput.shape;
export const runInputShape = {
  task: run.task,
  title: run.title,
  items: run.items,
  plan: run.planText,
  model: run.model,
  cwd: run.cwd,
  worktree: run.worktree,
  id: run.id,
  priority: run.priority,
  after: run.after,
  capability: run.capability,
  split: run.split,
  verify: run.verify,
  verifyTimeoutMinutes: run.verifyTimeoutMinutes,
  iterate: run.iterate,
  bestOf: run.bestOf,
  models: run.models,
  maxCostUsd: run.maxCostUsd,
  maxTokens: run.maxTokens,
};

export const statusInputShape = statusInput.shape;
export const showInputShape = taskResultsInput.shape;
export const answerInputShape = answerInput.shape;
export const noteInputShape = noteInput.shape;
export const cancelInputShape = cancelInput.shape;
export const retryInputShape = { id: retryInput.shape.id, model: retryInput.shape.model };
export const continueInputShape = continueInput.shape;
export const diffInputShape = { id: diffInput.shape.id, stat: diffInput.shape.stat };
export const mergeInputShape = mergeInput.shape;
export const discardInputShape = discardInput.shape;
export const cleanInputShape = cleanInput.shape;
export const compareInputShape = compareInput.shape;
export const pickInputShape = pickInput.shape;
export const logsInputShape = logsInput.shape;

/** A tool call must return within common client request limits: an hour at most, 50 s by default. */
export const waitInputShape = {
  ids: waitInput.shape.ids,
  timeoutSeconds: z.optional(
    z
      .number()
      .check(
        z.minimum(0),
        z.maximum(3600),
        z.describe(
          'Return with event "timeout" after this long (default 50, under common client request limits); call again to keep waiting',
        ),
      ),
  ),
};
