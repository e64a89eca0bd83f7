import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendNote } from '../../src/core/plan/edit-plan.js';
import { buildResumePrompt, buildWorkerPrompt } from '../../src/core/prompt/worker-prompt.js';

/** Runs the compiled simulated worker as a real process against a task folder made by hand. */
const SIM = resolve(import.meta.dirname, '../../dist/bin/sim-worker.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Task {
  dir: string;
  plan: string;
  ipc: string;
  output: string;
  context: string;
}

const folders: string[] = [];

function makeTask(planText: string): Task {
  const root = mkdtempSync(join(tmpdir(), 'sim-e2e-'));
  folders.push(root);
  const dir = join(root, 'task');
  mkdirSync(join(dir, 'ipc'), { recursive: true });
  const task = {
    dir,
    plan: join(dir, 'plan.md'),
    ipc: join(dir, 'ipc'),
    output: join(dir, 'output.md'),
    context: join(dir, 'context.md'),
  };
  writeFileSync(task.plan, planText);
  return task;
}

function promptFor(task: Task, fallbackMinutes = 3, dispatchCommand?: string): string {
  return buildWorkerPrompt({
    id: 'sim-test',
    title: 'Sim test',
    paths: { taskDir: task.dir, ...task },
    request: 'Exercise the simulated worker.',
    fallbackMinutes,
    dispatchCommand,
  });
}

function startSim(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [SIM, ...args], {
    cwd,
    env: { ...process.env, DISPATCH_SIM_STEP_MS: '5', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { code: null, stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  const exited = new Promise<Run>((done) =>
    child.on('close', (code) => {
      run.code = code;
      done(run);
    }),
  );
  return { child, run, exited };
}

function runSim(task: Task, prompt: string): Promise<Run> {
  return startSim(['--model', 'sim', prompt], task.dir).exited;
}

/** Resolves when `name` exists in `dir`: watched, with a light poll, never a fixed sleep. */
function waitForFile(dir: string, name: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((done, fail) => {
    const check = (): void => {
      if (!existsSync(join(dir, name))) return;
      watcher.close();
      clearInterval(poll);
      clearTimeout(timer);
      done();
    };
    const watcher = watch(dir, check);
    const poll = setInterval(check, 50);
    const timer = setTimeout(() => {
      watcher.close();
      clearInterval(poll);
      fail(new Error(`${name} did not appear in ${dir} within ${timeoutMs} ms`));
    }, timeoutMs);
    check();
  });
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

beforeAll(() => {
  if (!existsSync(SIM))
    throw new Error(`${SIM} is missing: run "npx tsc -p tsconfig.build.json" first`);
});

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('simulated worker', () => {
  it('works plain items, writes output.md and ipc/.done', async () => {
    const task = makeTask(
      '# Sim test\n\n- [ ] First\n  - [ ] Nested\n- [x] Already done\n- [ ] write: out/notes.txt = hello\n',
    );
    const run = await runSim(task, promptFor(task));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      "[sim] agent-dispatch simulated worker — not an AI model; it follows the plan's scripted directives.",
    );
    expect(run.stdout).toContain('[sim] item 2/4: Nested');
    expect(run.stdout).toContain('[sim] done');
    expect(readFileSync(task.plan, 'utf8')).toBe(
      '# Sim test\n\n- [x] First\n  - [x] Nested\n- [x] Already done\n- [x] write: out/notes.txt = hello\n',
    );
    expect(readFileSync(join(task.dir, 'out/notes.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(task.output, 'utf8')).toContain('not an AI model');
    expect(existsSync(join(task.ipc, '.done'))).toBe(true);
  });

  it('asks through the IPC files and continues with the answer', async () => {
    const task = makeTask('# Sim test\n\n- [ ] ask: Which database?\n- [ ] Use it\n');
    const sim = startSim([promptFor(task)], task.dir);
    await waitForFile(task.ipc, '001.question');
    expect(readFileSync(join(task.ipc, '001.question'), 'utf8').trim()).toBe('Which database?');
    writeAtomic(join(task.ipc, '001.answer'), 'Postgres\n');
    const run = await sim.exited;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('[sim] answer to 001: Postgres');
    expect(existsSync(join(task.ipc, '001.done'))).toBe(true);
    expect(existsSync(join(task.ipc, '.done'))).toBe(true);
    expect(readFileSync(task.output, 'utf8')).toContain('001: Which database? → Postgres');
    expect(readFileSync(task.plan, 'utf8')).toBe(
      '# Sim test\n\n- [x] ask: Which database?\n- [x] Use it\n',
    );
  });

  it('sees a note appended while it waits, and keeps it', async () => {
    const task = makeTask('# Sim test\n\n- [ ] ask: Which database?\n- [ ] Use it\n');
    const sim = startSim([promptFor(task)], task.dir);
    await waitForFile(task.ipc, '001.question');
    writeAtomic(task.plan, appendNote(readFileSync(task.plan, 'utf8'), 'Prefer SQLite for tests.'));
    writeAtomic(join(task.ipc, '001.answer'), 'Postgres\n');
    const run = await sim.exited;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('[sim] saw note: Prefer SQLite for tests.');
    expect(readFileSync(task.plan, 'utf8')).toBe(
      '# Sim test\n\n- [x] ask: Which database?\n- [x] Use it\n\n> **Note from dispatcher:** Prefer SQLite for tests.\n',
    );
  });

  /** A stand-in `dispatch` that records its arguments and answers 8080. */
  function fakeDispatch(task: Task, folder: string): { command: string; argsFile: string } {
    const bin = join(task.dir, '..', folder);
    mkdirSync(bin);
    const argsFile = join(task.dir, '..', 'args.txt');
    const command = join(bin, 'dispatch');
    writeFileSync(command, `#!/bin/sh\nprintf '%s|' "$@" > '${argsFile}'\necho 8080\n`, {
      mode: 0o755,
    });
    return { command, argsFile };
  }

  it('asks through `dispatch ask` when the prompt offers it', async () => {
    const task = makeTask('# Sim test\n\n- [ ] ask-cli: Which port?\n');
    const { command, argsFile } = fakeDispatch(task, 'bin');
    const sim = startSim([promptFor(task, 3, '/nowhere/dispatch')], task.dir, {
      PATH: `${dirname(command)}${delimiter}${process.env.PATH ?? ''}`,
    });
    const run = await sim.exited;
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(argsFile, 'utf8')).toBe('ask|Which port?|');
    expect(run.stdout).toContain('[sim] answer from dispatch ask: 8080');
    expect(readFileSync(task.plan, 'utf8')).toBe('# Sim test\n\n- [x] ask-cli: Which port?\n');
  });

  it('runs `dispatch ask` by the full path the prompt gives when it is not on the PATH', async () => {
    const task = makeTask('# Sim test\n\n- [ ] ask-cli: Which port?\n');
    const { command, argsFile } = fakeDispatch(task, "it's my bin");
    const sim = startSim([promptFor(task, 3, command)], task.dir, { PATH: '/nonexistent' });
    const run = await sim.exited;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('`dispatch` could not be started');
    expect(run.stdout).toContain(`running \`${command} ask\``);
    expect(readFileSync(argsFile, 'utf8')).toBe('ask|Which port?|');
    expect(readFileSync(task.plan, 'utf8')).toBe('# Sim test\n\n- [x] ask-cli: Which port?\n');
  });

  it('falls back when no answer comes: context.md, [?], exit 0', async () => {
    const task = makeTask('# Sim test\n\n- [ ] Start\n- [ ] ask: Which port?\n- [ ] Later\n');
    const run = await runSim(task, promptFor(task, 0.02));
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(task.plan, 'utf8')).toBe(
      '# Sim test\n\n- [x] Start\n- [?] ask: Which port?\n  Which port?\n- [ ] Later\n',
    );
    expect(readFileSync(task.context, 'utf8')).toContain('Which port?');
    expect(existsSync(join(task.ipc, '001.question'))).toBe(true);
    expect(existsSync(join(task.ipc, '.done'))).toBe(false);
  });

  it('resumes with the answer from the prompt', async () => {
    const planText =
      '# Sim test\n\n- [x] Start\n- [?] ask: Which port?\n  Which port?\n- [ ] Later\n';
    const task = makeTask(planText);
    const prompt = buildResumePrompt({
      id: 'sim-test',
      title: 'Sim test',
      paths: { taskDir: task.dir, ...task },
      request: '',
      fallbackMinutes: 3,
      planText,
      contextText: 'asked about the port',
      answer: { question: 'Which port?', text: '8080' },
      previousFailure: undefined,
    });
    const run = await runSim(task, prompt);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(task.plan, 'utf8')).toBe(
      '# Sim test\n\n- [x] Start\n- [x] ask: Which port?\n- [x] Later\n',
    );
    expect(readFileSync(task.output, 'utf8')).toContain('Which port? → 8080');
  });

  it('marks a failing item [!], continues, and exits 1 without .done', async () => {
    const task = makeTask('# Sim test\n\n- [ ] fail: no database access\n- [ ] After\n');
    const run = await runSim(task, promptFor(task));
    expect(run.code).toBe(1);
    expect(readFileSync(task.plan, 'utf8')).toBe(
      '# Sim test\n\n- [!] fail: no database access\n  no database access\n- [x] After\n',
    );
    expect(existsSync(task.output)).toBe(true);
    expect(existsSync(join(task.ipc, '.done'))).toBe(false);
  });

  it('crashes with exit code 3 and leaves the plan alone', async () => {
    const planText = '# Sim test\n\n- [ ] crash\n- [ ] Never\n';
    const task = makeTask(planText);
    const run = await runSim(task, promptFor(task));
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('[sim] crashing');
    expect(readFileSync(task.plan, 'utf8')).toBe(planText);
  });

  it('prints dispatcher notes and keeps them in the plan', async () => {
    const task = makeTask(
      '# Sim test\n\n- [ ] One\n- [ ] Two\n\n> **Note from dispatcher:** Use the staging database.\n',
    );
    const run = await runSim(task, promptFor(task));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('[sim] saw note: Use the staging database.');
    expect(readFileSync(task.plan, 'utf8')).toContain(
      '> **Note from dispatcher:** Use the staging database.',
    );
  });

  it('exits 143 on SIGTERM while hanging', async () => {
    const task = makeTask('# Sim test\n\n- [ ] hang\n');
    const sim = startSim([promptFor(task)], task.dir);
    await new Promise<void>((ready) => {
      const check = (): void => {
        if (sim.run.stdout.includes('[sim] hanging')) ready();
      };
      sim.child.stdout.on('data', check);
      check();
    });
    sim.child.kill('SIGTERM');
    expect((await sim.exited).code).toBe(143);
  });

  it('exits 2 with a clear error when the prompt names no plan', async () => {
    const task = makeTask('# Sim test\n');
    const run = await runSim(task, 'Do something useful.');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Plan file');
  });
});
