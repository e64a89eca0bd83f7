import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateProgram } from '../../../src/runtime/backends/start-check.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const cache = () => join(dir, 'home', 'cache', 'start-checks.json');

function install(name: string): string {
  const file = join(dir, 'bin', name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'start-check-'));
  env = { PATH: join(dir, 'bin'), DISPATCH_HOME: join(dir, 'home') };
  mkdirSync(join(dir, 'bin'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('locating the program of a command line', () => {
  it('finds it on PATH and remembers it per command line, atomically and private', () => {
    const agent = install('agent');
    expect(locateProgram('agent -p', env)).toEqual({ state: 'found', path: agent });
    expect(statSync(cache()).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(cache(), 'utf8')).entries)).toEqual([
      `agent -p\n${env.PATH}`,
    ]);
  });

  it('looks again when the program changes (mtime) or disappears', () => {
    const agent = install('agent');
    locateProgram('agent -p', env);
    const before = readFileSync(cache(), 'utf8');
    utimesSync(agent, new Date(), new Date(Date.now() + 60_000));
    expect(locateProgram('agent -p', env)).toEqual({ state: 'found', path: agent });
    expect(readFileSync(cache(), 'utf8')).not.toBe(before);
    rmSync(agent);
    expect(locateProgram('agent -p', env)).toEqual({ state: 'missing' });
  });

  it('does not remember a missing program, so installing it is seen at once', () => {
    expect(locateProgram('agent -p', env)).toEqual({ state: 'missing' });
    const agent = install('agent');
    expect(locateProgram('agent -p', env)).toEqual({ state: 'found', path: agent });
  });

  it('reads a plain $NAME program from the environment or the command, and leaves other expansions to the shell', () => {
    const agent = install('agent');
    expect(locateProgram('$AGENT -p', env)).toEqual({ state: 'missing' });
    expect(locateProgram('${AGENT} -p', { ...env, AGENT: 'agent' })).toEqual({
      state: 'found',
      path: agent,
    });
    expect(locateProgram('env AGENT=agent $AGENT -p', env)).toEqual({
      state: 'found',
      path: agent,
    });
    expect(locateProgram('"$(command -v agent)" -p', env)).toEqual({ state: 'shell-variable' });
  });
});
