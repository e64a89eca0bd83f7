import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendFor } from '../../src/core/backends/backend-registry.js';
import type { IsolatedHome } from '../../src/core/backends/isolated-home.js';
import { prepareIsolatedHome } from '../../src/runtime/spawn/isolated-home.js';

/** The isolated home built from real files: an operator's home and a task folder. */
let dir: string;
let operator: string;
let task: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dispatch-isolated-home-'));
  operator = join(dir, 'operator');
  task = join(dir, 'task');
  mkdirSync(join(operator, '.claude'), { recursive: true });
  mkdirSync(task, { mode: 0o700 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const claude = backendFor('claude').isolation as IsolatedHome;
const opencode = backendFor('opencode').isolation as IsolatedHome;

describe('prepareIsolatedHome', () => {
  it('makes a private home with the credentials and nothing else of the operator', () => {
    writeFileSync(join(operator, '.claude', '.credentials.json'), '{"claudeAiOauth":{}}');
    writeFileSync(join(operator, '.claude', 'CLAUDE.md'), 'operator rules');
    writeFileSync(
      join(operator, '.claude.json'),
      JSON.stringify({ oauthAccount: { email: 'op@example.com' }, mcpServers: { x: {} } }),
    );
    const env = prepareIsolatedHome(task, claude, { HOME: operator });
    const home = join(task, 'home');
    expect(env).toEqual({ CLAUDE_CONFIG_DIR: home });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, '.credentials.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, '.credentials.json'), 'utf8')).toBe('{"claudeAiOauth":{}}');
    expect(JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8'))).toEqual({
      oauthAccount: { email: 'op@example.com' },
    });
    expect(existsSync(join(home, 'CLAUDE.md'))).toBe(false);
  });

  it('renews a copy the operator logged in again since, and keeps what the CLI stored', () => {
    const credentials = join(operator, '.claude', '.credentials.json');
    writeFileSync(credentials, 'first');
    prepareIsolatedHome(task, claude, { HOME: operator });
    mkdirSync(join(task, 'home', 'projects'));
    writeFileSync(join(task, 'home', 'projects', 'session.jsonl'), 'conversation');
    writeFileSync(credentials, 'renewed');
    const later = new Date(Date.now() + 60_000);
    utimesSync(credentials, later, later);
    prepareIsolatedHome(task, claude, { HOME: operator });
    expect(readFileSync(join(task, 'home', '.credentials.json'), 'utf8')).toBe('renewed');
    expect(readFileSync(join(task, 'home', 'projects', 'session.jsonl'), 'utf8')).toBe(
      'conversation',
    );
  });

  it("leaves a login the worker's CLI renewed itself, newer than the operator's", () => {
    const credentials = join(operator, '.claude', '.credentials.json');
    writeFileSync(credentials, 'operator token');
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(credentials, earlier, earlier);
    prepareIsolatedHome(task, claude, { HOME: operator });
    writeFileSync(join(task, 'home', '.credentials.json'), 'token the worker refreshed');
    prepareIsolatedHome(task, claude, { HOME: operator });
    expect(readFileSync(join(task, 'home', '.credentials.json'), 'utf8')).toBe(
      'token the worker refreshed',
    );
  });

  it("lays the operator's account over the CLI's own state file, keeping the rest", () => {
    const state = join(operator, '.claude.json');
    writeFileSync(state, JSON.stringify({ oauthAccount: { email: 'old@example.com' } }));
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(state, earlier, earlier);
    prepareIsolatedHome(task, claude, { HOME: operator });
    const copy = join(task, 'home', '.claude.json');
    writeFileSync(
      copy,
      JSON.stringify({ oauthAccount: { email: 'old@example.com' }, firstStartTime: 'then' }),
    );
    writeFileSync(
      state,
      JSON.stringify({ oauthAccount: { email: 'new@example.com' }, mcpServers: { x: {} } }),
    );
    const later = new Date(Date.now() + 60_000);
    utimesSync(state, later, later);
    prepareIsolatedHome(task, claude, { HOME: operator });
    expect(JSON.parse(readFileSync(copy, 'utf8'))).toEqual({
      oauthAccount: { email: 'new@example.com' },
      firstStartTime: 'then',
    });
  });

  it('makes the folders the variables name and copies into them', () => {
    mkdirSync(join(operator, '.local', 'share', 'opencode'), { recursive: true });
    writeFileSync(join(operator, '.local', 'share', 'opencode', 'auth.json'), '{"p":{}}');
    const env = prepareIsolatedHome(task, opencode, { HOME: operator });
    expect(env.XDG_CONFIG_HOME).toBe(join(task, 'home', 'config'));
    expect(statSync(join(task, 'home', 'config')).mode & 0o777).toBe(0o700);
    expect(statSync(join(task, 'home', 'data', 'opencode')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(task, 'home', 'data', 'opencode', 'auth.json'), 'utf8')).toBe(
      '{"p":{}}',
    );
  });

  it('skips a credential the operator does not have, or a state file that is not JSON', () => {
    writeFileSync(join(operator, '.claude.json'), 'not json');
    prepareIsolatedHome(task, claude, { HOME: operator });
    expect(existsSync(join(task, 'home', '.credentials.json'))).toBe(false);
    expect(existsSync(join(task, 'home', '.claude.json'))).toBe(false);
  });

  it('refuses a home, or a folder in it, that is a symbolic link', () => {
    writeFileSync(join(operator, '.claude', '.credentials.json'), 'secret');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(task, 'home'));
    expect(() => prepareIsolatedHome(task, claude, { HOME: operator })).toThrow(
      /symbolic link; dispatch never follows links/,
    );
    expect(existsSync(join(elsewhere, '.credentials.json'))).toBe(false);

    rmSync(join(task, 'home'));
    mkdirSync(join(task, 'home'));
    symlinkSync(elsewhere, join(task, 'home', 'data'));
    expect(() => prepareIsolatedHome(task, opencode, { HOME: operator })).toThrow(/symbolic link/);
  });

  it('refuses a credential target that is a link, writing nothing through it', () => {
    writeFileSync(join(operator, '.claude', '.credentials.json'), 'secret');
    mkdirSync(join(task, 'home'));
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(task, 'home', '.credentials.json'));
    expect(() => prepareIsolatedHome(task, claude, { HOME: operator })).toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });
});
