import { describe, expect, it } from 'vitest';
import {
  LIVE_STATES,
  RETRYABLE_STATES,
  TERMINAL_STATES,
} from '../../../src/core/status/state-groups.js';
// The dashboard's page script, run as it is shipped to the browser (type-checked by
// tsconfig.web.json, which includes this test; tsconfig.json leaves it out).
import { LIVE, RETRYABLE, TERMINAL } from '../../../src/ui/web/assets/format.js';

const sorted = (states: Iterable<string>) => [...states].sort();

describe("the dashboard's page scripts", () => {
  it('use the named groups of task states of the core', () => {
    expect(sorted(TERMINAL)).toEqual(sorted(TERMINAL_STATES));
    expect(sorted(RETRYABLE)).toEqual(sorted(RETRYABLE_STATES));
    expect(sorted(LIVE)).toEqual(sorted(LIVE_STATES));
  });
});
