import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processStartTime } from '../../src/runtime/process/process-info.js';
import { LongRunning } from '../helpers/long-running.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForFile } from '../helpers/wait-for.js';

/**
 * A project someone else prepared: task folders copied from a real task of the user's and edited
 * to run a planted command (it would create `marker`) and to name an unrelated process (a `sleep`
 * started here) as their worker. Whatever the user runs in it, nothing planted may run and the
 * stranger must not be signalled.
 */
let sandbox: Sandbox;
let hostile: string;
let marker: string;
let stranger: ChildProcess;
let strangerStart: string | null;
let ownId: string;
let spawned: Record<string, unknown>;
const planted: Record<string, string> = {};

const QUEUED = 'planted-queued';
const RUNNING = 'planted-running';
const CANCELLED = 'planted-cancelled';

function hostileTask(id: string): string {
  return join(hostile, '.dispatch', 'tasks', id);
}

function line(event: Record<string, unknown>): string {
  return `${JSON.stringify({ time: '2026-01-01T00:00:00.000Z', ...event })}\n`;
}

/** Copies the real task under a new id, with the planted command and the given history. */
function plant(source: string, id: string, events: string, keepMac: boolean): void {
  const dir = hostileTask(id);
  cpSync(source, dir, { recursive: true });
  // Set back to before it ran: no completion marker, no questions.
  rmSync(join(dir, 'ipc'), { recursive: true });
  mkdirSync(join(dir, 'ipc'), { mode: 0o700 });
  const meta = JSON.parse(readFileSync(join(dir, 'task.json'), 'utf8'));
  meta.id = id;
  meta.command = `touch ${marker}; echo`;
  meta.backend = 'generic';
  meta.backendType = 'generic';
  meta.argv = ['sh', '-c', `touch ${marker}`];
  if (!keepMac) delete meta.mac;
  writeFileSync(join(dir, 'task.json'), JSON.stringify(meta, null, 2));
  writeFileSync(join(dir, 'events.jsonl'), events);
  planted[id] = events;
}

function strangerAlive(): boolean {
  try {
    process.kill(stranger.pid as number, 0);
  } catch {
    return false;
  }
  return processStartTime(stranger.pid as number) === strangerStart;
}

beforeAll(async () => {
  sandbox = new Sandbox();
  hostile = join(sandbox.dir, 'hostile');
  marker = join(sandbox.dir, 'pwned');
  const { id } = await sandbox.run(['--model', 'sim', 'Say hello']);
  await sandbox.waitForDone([id]);
  ownId = id;
  // In its own process group, as a worker would be: a stray kill(-pid) would reach it.
  stranger = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  strangerStart = processStartTime(stranger.pid as number);
  spawned = {
    type: 'spawned',
    attempt: 1,
    pid: stranger.pid,
    startTime: strangerStart,
    model: 'sim',
    backend: 'generic',
    prompt: 'prompt.md',
  };
  mkdirSync(join(hostile, '.dispatch', 'tasks'), { recursive: true, mode: 0o700 });
  const source = sandbox.taskDir(id);
  // Tampered: the copy keeps the original's MAC, which no longer matches the record.
  plant(source, QUEUED, line({ type: 'created' }) + line({ type: 'queued' }), true);
  plant(
    source,
    RUNNING,
    line({ type: 'created' }) + line({ type: 'queued' }) + line(spawned),
    false,
  );
  writeFileSync(join(hostileTask(RUNNING), 'ipc', '001.question'), 'Which database?\n');
  // A finished task whose "worker still runs": what doctor --fix would stop.
  plant(
    source,
    CANCELLED,
    line({ type: 'created' }) +
      line({ type: 'queued' }) +
      line(spawned) +
      line({ type: 'cancelled', by: 'user', reason: 'x' }),
    false,
  );
}, 60_000);

afterAll(() => {
  if (stranger?.pid) process.kill(stranger.pid, 'SIGKILL');
  sandbox?.cleanup();
});

function cli(args: string[], timeoutMs = 20_000) {
  return runCli(args, { cwd: hostile, env: sandbox.env, timeoutMs });
}

describe('a hostile project', () => {
  it('shows planted tasks as not created by you and never started', async () => {
    const status = await cli(['status', RUNNING, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const summary = JSON.parse(status.stdout);
    expect(summary).toMatchObject({ state: 'not-started', pid: null, question: null });
    expect(summary.untrusted).toMatch(/no launch signature/);
    expect(summary.reason).toMatch(/^not created by you: never started/);

    const tampered = JSON.parse((await cli(['status', QUEUED, '--json'])).stdout);
    expect(tampered).toMatchObject({ state: 'not-started' });
    expect(tampered.untrusted).toMatch(/signature does not match/);

    const list = await cli(['list']);
    expect(list.code, list.stderr).toBe(0);
    for (const id of [QUEUED, RUNNING, CANCELLED])
      expect(list.stdout).toMatch(
        new RegExp(`${id}\\s+not yours|${id}\\s+cancelled \\(not yours\\)`),
      );

    const detail = await cli(['status', RUNNING]);
    expect(detail.stdout).toContain('not created by you: never started');
  });

  it('refuses to answer, note, cancel, retry, diff, merge or discard them, with exit code 9', async () => {
    for (const args of [
      ['answer', RUNNING, 'PostgreSQL'],
      ['note', RUNNING, 'a note'],
      ['cancel', RUNNING],
      ['cancel', QUEUED],
      ['retry', QUEUED],
      ['retry', CANCELLED],
      ['diff', RUNNING],
      ['merge', RUNNING],
      ['discard', RUNNING, '--yes'],
    ]) {
      const result = await cli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(9);
      expect(result.stderr).toContain('was not created by you');
      expect(result.stderr).toContain(`dispatch trust ${args[1]}`);
    }
    expect(existsSync(join(hostileTask(RUNNING), 'ipc', '001.answer'))).toBe(false);
  });

  it('doctor explains them; doctor --fix stops nothing', async () => {
    const doctor = await cli(['doctor']);
    expect(doctor.stdout).toContain('not created by you');
    expect(doctor.stdout).toContain(`dispatch trust`);
    const fix = await cli(['doctor', '--fix']);
    expect(fix.stdout).not.toContain('stopped it');
    expect(strangerAlive()).toBe(true);
  });

  it('trust shows the planted command and signs nothing without --yes', async () => {
    const before = readFileSync(join(hostileTask(QUEUED), 'task.json'), 'utf8');
    const trust = await cli(['trust', QUEUED]);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stdout).toContain(JSON.stringify(`touch ${marker}; echo`));
    expect(trust.stdout).toContain(`dispatch trust ${QUEUED} --yes`);
    expect(readFileSync(join(hostileTask(QUEUED), 'task.json'), 'utf8')).toBe(before);
  });

  it('every reader (bare, list, status, wait, logs, watch, ui, mcp) runs and signals nothing', async () => {
    for (const args of [[], ['list'], ['status'], ['wait', '--timeout', '2'], ['logs', RUNNING]]) {
      const result = await cli(args);
      expect(result.signal, args.join(' ')).toBeNull();
    }
    const watch = await cli(['watch'], 30_000);
    expect(watch.stdout + watch.stderr).toContain(RUNNING);

    const ui = new LongRunning(['ui', '--port', '0'], { cwd: hostile, env: sandbox.env });
    try {
      await ui.waitForStdout(/http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      ui.child.kill('SIGINT');
      await ui.waitForExit();
    }

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp'],
      cwd: hostile,
      env: Object.fromEntries(
        Object.entries(sandbox.env).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      stderr: 'pipe',
    });
    const mcp = new Client({ name: 'hostile-test', version: '1.0.0' });
    await mcp.connect(transport);
    try {
      const { tools } = await mcp.listTools();
      expect(tools.map((t) => t.name)).toContain('dispatch_status');
      const result = (await mcp.callTool({
        name: 'dispatch_status',
        arguments: { id: RUNNING },
      })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ state: 'not-started', pid: null });
      const answer = (await mcp.callTool({
        name: 'dispatch_answer',
        arguments: { id: RUNNING, text: 'PostgreSQL' },
      })) as CallToolResult;
      expect(answer.isError).toBe(true);
    } finally {
      await mcp.close();
    }
    expect(existsSync(marker)).toBe(false);
    expect(strangerAlive()).toBe(true);
  }, 90_000);

  it('a supervisor that examines them leaves them alone, and the stranger still runs', async () => {
    // A task of the user's own starts the root's supervisor, which looks at every task.
    const own = await runCli(['run', '--json', '--model', 'sim', 'Say hello'], {
      cwd: hostile,
      env: sandbox.env,
    });
    expect(own.code, own.stderr).toBe(0);
    const log = join(hostile, '.dispatch', 'supervisor.log');
    await waitForFile(log, (text) =>
      [QUEUED, RUNNING, CANCELLED].every((id) => text.includes(`${id}: not created by you`)),
    );
    const ownId = JSON.parse(own.stdout).id as string;
    await waitForFile(join(hostileTask(ownId), 'ipc', '.done'));
    expect(existsSync(marker)).toBe(false);
    expect(strangerAlive()).toBe(true);
    // Nothing was recorded in them either.
    for (const [id, events] of Object.entries(planted))
      expect(readFileSync(join(hostileTask(id), 'events.jsonl'), 'utf8'), id).toBe(events);
  }, 60_000);

  it("a worker forged into the user's own task is not signalled by cancel or doctor --fix", async () => {
    // Anything that can write the task's history (its own worker can) may claim another process.
    rmSync(join(sandbox.taskDir(ownId), 'ipc', '.done'));
    const events = join(sandbox.taskDir(ownId), 'events.jsonl');
    writeFileSync(
      events,
      readFileSync(events, 'utf8') +
        line({ type: 'queued' }) +
        line({ ...spawned, attempt: 2, backend: 'sim' }),
    );
    expect(await sandbox.status(ownId)).toMatchObject({ state: 'running', pid: stranger.pid });
    const cancel = await sandbox.cli(['cancel', ownId]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(strangerAlive()).toBe(true);
    const fix = await sandbox.cli(['doctor', '--fix']);
    expect(fix.stdout).not.toContain('stopped it');
    expect(strangerAlive()).toBe(true);
  });
});
