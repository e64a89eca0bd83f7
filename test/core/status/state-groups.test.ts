import { describe, expect, it } from 'vitest';
import { planLines } from '../../../src/cli/format/task-view.js';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';
import {
  ACTIVE_STATES,
  FAILED_STATES,
  LIVE_STATES,
  RETRYABLE_STATES,
  TERMINAL_STATES,
  UNSUCCESSFUL_STATES,
  WORKER_STATES,
  isTerminal,
} from '../../../src/core/status/state-groups.js';
import { TASK_STATES } from '../../../src/core/status/task-status.js';
import { statusJson } from '../../../src/api/task-summary.js';
import { statusText } from '../../../src/mcp/tool-text.js';
import { detailLines } from '../../../src/ui/terminal/render-detail.js';
import { NOW, taskStatus } from '../../helpers/task-status-fixture.js';

const sorted = (states: Iterable<string>) => [...states].sort();

describe('the named groups of task states', () => {
  it('nest as their names say', () => {
    for (const state of LIVE_STATES) expect(ACTIVE_STATES.has(state)).toBe(true);
    for (const state of LIVE_STATES) expect(WORKER_STATES.has(state)).toBe(true);
    for (const state of FAILED_STATES) expect(UNSUCCESSFUL_STATES.has(state)).toBe(true);
    for (const state of UNSUCCESSFUL_STATES) expect(TERMINAL_STATES.has(state)).toBe(true);
    for (const state of UNSUCCESSFUL_STATES) expect(RETRYABLE_STATES.has(state)).toBe(true);
    expect(sorted(TERMINAL_STATES)).toEqual(sorted([...UNSUCCESSFUL_STATES, 'done']));
    for (const state of TASK_STATES)
      expect(ACTIVE_STATES.has(state) && TERMINAL_STATES.has(state)).toBe(false);
  });

  it('decide alike in `dispatch status`, the watch view and MCP whether a plan item is current', () => {
    const plan = parsePlan('# Review auth\n\n- [x] Read the code\n- [ ] Check session handling\n');
    const detail = { planFile: 'plan.md', plan, planProblem: undefined, logTail: [] };
    for (const state of TASK_STATES) {
      const status = taskStatus({ state });
      const inStatus = planLines(plan, status).some((line) => line.includes('current'));
      const inWatch = detailLines(status, { ...detail, status }, 80, NOW).some((line) =>
        line.some((segment) => segment.text.includes('current')),
      );
      const mcp = statusText({
        ...statusJson(status),
        worktree: null,
        taskDir: '/p/.dispatch/tasks/review-auth',
        planFile: 'plan.md',
        queue: null,
        cause: null,
        usage: null,
        budget: null,
        logTail: null,
        alternatives: null,
      });
      const inMcp = mcp.includes('current:');
      expect({ state, inStatus, inWatch, inMcp }).toEqual({
        state,
        inStatus: !isTerminal(state),
        inWatch: !isTerminal(state),
        inMcp: !isTerminal(state),
      });
    }
  });
});
