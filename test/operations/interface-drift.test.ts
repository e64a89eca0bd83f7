import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The package entry as users import it (package.json "exports" → dist/index.js).
import { Dispatcher } from 'agent-dispatch';
import { LongRunning } from '../helpers/long-running.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

/**
 * Every interface goes through the same operation, so the same request has the same effect and
 * the same result whichever way it arrives: the library, the CLI or the dashboard.
 */
let sandbox: Sandbox;
let dispatcher: Dispatcher;
let ui: LongRunning | undefined;

beforeEach(() => {
  sandbox = new Sandbox();
  dispatcher = new Dispatcher({ cwd: sandbox.project, env: sandbox.env, by: 'drift-test' });
});
afterEach(() => {
  ui?.kill();
  ui = undefined;
  sandbox.cleanup();
});

/** A task for the simulated worker, dispatched through the CLI. */
const simTask = (id: string, item: string) =>
  sandbox.run(['--model', 'sim', '--id', id, '--item', item]);

const lockFile = () => join(sandbox.root, 'supervisor.lock');

function supervisorPid(): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number };
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** A task whose worker waits on question 001, with its supervisor killed (as after a crash). */
async function waitingTaskWithoutSupervisor(): Promise<string> {
  const task = await simTask('asks', 'ask: Which name?');
  await waitForFile(join(sandbox.taskDir(task.id), 'ipc', '001.question'));
  const pid = await waitForCondition(sandbox.root, supervisorPid, 30_000);
  process.kill(pid, 'SIGKILL');
  await waitForCondition(sandbox.root, () => (supervisorPid() === undefined ? true : undefined));
  return task.id;
}

async function startUi(): Promise<{ origin: string; token: string }> {
  ui = new LongRunning(['ui', '--port', '0'], { cwd: sandbox.project, env: sandbox.env });
  const match = await ui.waitForStdout(/http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/);
  return { origin: `http://127.0.0.1:${match[1]}`, token: match[2] as string };
}

async function post(
  dashboard: { origin: string; token: string },
  path: string,
  body: unknown,
): Promise<{ status: number; body: { error?: string; hint?: string | null } }> {
  const response = await fetch(`${dashboard.origin}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${dashboard.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}

// A slow machine may take a while to start a supervisor; each wait has its own limit.
describe('one operation under every interface', { timeout: 90_000 }, () => {
  it('brings a supervisor back after an answer through the library, as the CLI does', async () => {
    const id = await waitingTaskWithoutSupervisor();
    const answered = await dispatcher.answer(id, 'Ada');
    expect(answered).toMatchObject({ id, seq: 1, resumed: false });
    await waitForCondition(sandbox.root, supervisorPid, 30_000);
  });

  it('brings a supervisor back after an answer through the dashboard, as the CLI does', async () => {
    // Started first: it brings back the supervisor of active tasks it finds when it starts.
    const dashboard = await startUi();
    const id = await waitingTaskWithoutSupervisor();
    const answered = await post(dashboard, `/api/tasks/${id}/answer`, { text: 'Ada' });
    expect(answered.status).toBe(200);
    await waitForCondition(sandbox.root, supervisorPid, 30_000);
  });

  it('fans a plan with several sections out through the library, as dispatch run does', async () => {
    const plan =
      '# Write the parser\n- [ ] write: parser.txt = p\n\n# Write the docs\n- [ ] write: docs.txt = d\n';
    const preview = await sandbox.cli(
      ['run', '--model', 'sim', '--plan-file', '-', '--dry-run', '--json'],
      {
        input: plan,
      },
    );
    const previewed = (JSON.parse(preview.stdout) as { id: string }[]).map((task) => task.id);
    expect(previewed).toEqual(['write-the-parser', 'write-the-docs']);

    const result = await dispatcher.run({ model: 'sim', planText: plan });
    const tasks = Array.isArray(result) ? result : [result];
    expect(tasks.map((task) => task.id)).toEqual(previewed);
    expect(sandbox.taskIds().sort()).toEqual([...previewed].sort());
    await sandbox.waitForDone(previewed);
  });

  it('gives one shape for a task from dispatch status ID --json and Dispatcher.status(id)', async () => {
    const task = await simTask('shape', 'write: a.txt = a');
    await sandbox.waitForDone([task.id]);
    await waitForCondition(sandbox.taskDir(task.id), () =>
      sandbox.events(task.id).some((event) => event.type === 'exited') ? true : undefined,
    );
    const fromCli = await sandbox.status(task.id);
    const fromLibrary = await dispatcher.status(task.id);
    expect(Object.keys(fromCli).sort()).toEqual(Object.keys(fromLibrary).sort());
    expect(fromCli).toEqual(JSON.parse(JSON.stringify(fromLibrary)));
  });

  it('refuses the same bad log line count alike from the CLI and the library', async () => {
    const task = await simTask('logged', 'write: a.txt = a');
    const cli = await sandbox.cli(['logs', task.id, '--lines', '0']);
    const library = await dispatcher.logs(task.id, { lines: 0 }).catch((error: Error) => error);
    expect(library).toBeInstanceOf(Error);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain((library as Error).message);
  });

  it('refuses the same bad question number alike from the dashboard and the library', async () => {
    const id = await waitingTaskWithoutSupervisor();
    const dashboard = await startUi();
    const fromDashboard = await post(dashboard, `/api/tasks/${id}/answer`, { text: 'Ada', seq: 0 });
    const fromLibrary = await dispatcher
      .answer(id, 'Ada', { seq: 0 })
      .catch((error: Error) => error);
    expect(fromLibrary).toBeInstanceOf(Error);
    expect(fromDashboard.status).toBe(400);
    expect(fromDashboard.body.error).toBe((fromLibrary as Error).message);
  });
});
