import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isRelayState,
  readRelayState,
  relayStatePath,
  writeRelayState,
} from '../../../src/runtime/nodes/relay-state.js';

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relay-state-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('relay state', () => {
  it('is written privately and read back as written', () => {
    const path = relayStatePath(folder(), 2);
    expect(path.endsWith('.relay-2.json')).toBe(true);
    const state = {
      cursor: '1700000000000-3',
      node: 'host-a',
      heartbeatMs: 1000,
      answered: [1, 2],
      notes: ['001.md'],
    };
    writeRelayState(path, state);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readRelayState(path)).toEqual(state);
  });

  it('is absent for a first relay, and a file that is not one is not taken for one', () => {
    const dir = folder();
    expect(readRelayState(relayStatePath(dir, 1))).toBeUndefined();
    const path = relayStatePath(dir, 1);
    for (const text of ['not json', '[]', '{"cursor":"$ rm -rf"}', '{"cursor":5}']) {
      writeFileSync(path, text);
      expect(readRelayState(path)).toBeUndefined();
    }
    writeFileSync(path, '{"cursor":"0","answered":["x",3],"notes":[1,"a.md"],"node":7}');
    expect(readRelayState(path)).toEqual({
      cursor: '0',
      node: undefined,
      heartbeatMs: undefined,
      answered: [3],
      notes: ['a.md'],
    });
  });

  it('is known by its name, so the supervisor does not examine the task for it', () => {
    expect(isRelayState('.relay-1.json')).toBe(true);
    expect(isRelayState('.relay-12.json')).toBe(true);
    expect(isRelayState('relay-1.json')).toBe(false);
    expect(isRelayState('.relay-0.json')).toBe(false);
    expect(isRelayState('plan.md')).toBe(false);
  });
});
