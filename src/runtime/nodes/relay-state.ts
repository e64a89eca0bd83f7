import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';

/**
 * What the relay of one attempt has done so far, kept in the task folder so a relay started
 * again (restart-relay.ts) reads on where the last one stopped: the stream cursor of the node's
 * messages, the node that took the attempt, and the answers and notes already sent down.
 */
export interface RelayState {
  cursor: string;
  node: string | undefined;
  heartbeatMs: number | undefined;
  answered: number[];
  notes: string[];
}

const NAME = /^\.relay-[1-9][0-9]*\.json$/;

/** The state file of one attempt: `.relay-<attempt>.json` in the task folder. */
export function relayStatePath(taskDir: string, attempt: number): string {
  return join(taskDir, `.relay-${attempt}.json`);
}

/** Whether a task folder's file is a relay's state (the supervisor need not look at it). */
export function isRelayState(name: string): boolean {
  return NAME.test(name);
}

const isStreamId = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9]+(-[0-9]+)?$/.test(value);

/** The state a previous relay of this attempt left, or undefined for the first relay. */
export function readRelayState(path: string): RelayState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const value = raw as Record<string, unknown>;
  if (!isStreamId(value.cursor)) return undefined;
  const list = <T>(items: unknown, test: (item: unknown) => item is T): T[] =>
    Array.isArray(items) ? items.filter(test) : [];
  return {
    cursor: value.cursor,
    node: typeof value.node === 'string' ? value.node : undefined,
    heartbeatMs:
      typeof value.heartbeatMs === 'number' && value.heartbeatMs > 0
        ? value.heartbeatMs
        : undefined,
    answered: list(value.answered, (item): item is number => Number.isInteger(item)),
    notes: list(value.notes, (item): item is string => typeof item === 'string'),
  };
}

export function writeRelayState(path: string, state: RelayState): void {
  writeFileAtomic(path, `${JSON.stringify(state)}\n`, { mode: 0o600 });
}
