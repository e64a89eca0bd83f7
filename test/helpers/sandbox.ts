import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './run-cli.js';
import { isAlive, processesMentioning } from './processes.js';
import { waitForCondition } from './wait-for.js';

/**
 * A throwaway project folder and DISPATCH_HOME for one test, with the CLI bound to them. On
 * cleanup every worker process group and the supervisor it started are killed.
 */
export class Sandbox {
  readonly dir: string;
  readonly project: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(extraEnv: NodeJS.ProcessEnv = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'dispatch-test-'));
    this.project = join(this.dir, 'project');
    this.home = join(this.dir, 'home');
    mkdirSync(this.project);
    mkdirSync(this.home);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env))
      if (key.startsWith('DISPATCH_') || key === 'CLAUDECODE') delete env[key];
    this.env = {
      ...env,
      HOME: this.home,
      DISPATCH_HOME: join(this.home, '.dispatch'),
      DISPATCH_SIM_STEP_MS: '20',
      DISPATCH_SUPERVISOR_IDLE_MS: '300',
      NO_COLOR: '1',
      ...extraEnv,
    };
  }

  get root(): string {
    return join(this.project, '.dispatch');
  }

  taskDir(id: string): string {
    return join(this.root, 'tasks', id);
  }

  /** The ids of the task folders there are (none before the first task). */
  taskIds(): string[] {
    const tasks = join(this.root, 'tasks');
    return existsSync(tasks) ? readdirSync(tasks).filter((name) => !name.startsWith('.')) : [];
  }

  /** Waits until every one of these tasks has written its completion marker. */
  waitForDone(ids: string[], timeoutMs = 60_000): Promise<true> {
    return waitForCondition(
      join(this.root, 'tasks'),
      () =>
        ids.every((id) => existsSync(join(this.taskDir(id), 'ipc', '.done'))) ? true : undefined,
      timeoutMs,
      () =>
        ids
          .map((id) => `${id}: ${existsSync(this.taskDir(id)) ? this.account(id) : 'missing'}`)
          .join('\n'),
    );
  }

  /** A task's history and the end of its log: what a failed wait shows. */
  private account(id: string): string {
    const log = existsSync(join(this.taskDir(id), 'worker.log'))
      ? this.read(id, 'worker.log').slice(-2000)
      : '(no worker.log)';
    return `${this.read(id, 'events.jsonl')}worker.log ends:\n${log}`;
  }

  read(id: string, file: string): string {
    return readFileSync(join(this.taskDir(id), file), 'utf8');
  }

  writeConfig(text: string): string {
    const file = join(this.home, '.dispatch', 'config.yaml');
    mkdirSync(join(this.home, '.dispatch'), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  cli(
    args: string[],
    options: {
      input?: string | Buffer;
      timeoutMs?: number;
      cwd?: string;
      env?: NodeJS.ProcessEnv;
    } = {},
  ): Promise<CliResult> {
    return runCli(args, {
      cwd: options.cwd ?? this.project,
      env: { ...this.env, ...options.env },
      input: options.input,
      timeoutMs: options.timeoutMs,
    });
  }

  /** `dispatch run … --json`, returning the parsed result; fails loudly on a non-zero exit. */
  async run(
    args: string[],
  ): Promise<{ id: string; state: string; pid: number | null; [key: string]: unknown }> {
    const result = await this.cli(['run', '--json', ...args]);
    if (result.code !== 0)
      throw new Error(`dispatch run failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
    return JSON.parse(result.stdout);
  }

  async status(id: string): Promise<{ state: string; [key: string]: unknown }> {
    const result = await this.cli(['status', id, '--json']);
    if (result.code !== 0)
      throw new Error(`dispatch status failed (${result.code}):\n${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  events(id: string): { type: string; [key: string]: unknown }[] {
    return this.read(id, 'events.jsonl')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  }

  /** The pid of the running supervisor of this project, from its lock file. */
  supervisorPid(): number | undefined {
    try {
      const pid = JSON.parse(readFileSync(join(this.root, 'supervisor.lock'), 'utf8')).pid;
      return typeof pid === 'number' && isAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Kills what the tests started: worker process groups and the supervisor. */
  cleanup(): void {
    this.stopProcesses();
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }

  /** Kills worker process groups and the supervisor, leaving the files (e.g. before an unmount). */
  stopProcesses(): void {
    const tasks = join(this.root, 'tasks');
    let ids: string[] = [];
    try {
      ids = readdirSync(tasks);
    } catch {
      // no tasks
    }
    for (const id of ids) {
      try {
        for (const event of this.events(id)) {
          if (event.type === 'spawned' && typeof event.pid === 'number') killGroup(event.pid);
        }
      } catch {
        // not a task
      }
    }
    try {
      const owner = JSON.parse(readFileSync(join(this.root, 'supervisor.lock'), 'utf8')) as {
        pid: number;
      };
      process.kill(owner.pid, 'SIGKILL');
    } catch {
      // none
    }
    // A supervisor that was still starting holds no lock yet, and a worker's helpers may outlive
    // its group: anything whose command line names this sandbox goes too, or it writes on while
    // the folder is removed.
    for (const pid of processesMentioning(this.dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}
