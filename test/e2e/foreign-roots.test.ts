import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let marker: string;

beforeEach(() => {
  sandbox = new Sandbox();
  marker = join(sandbox.dir, 'pwned');
});
afterEach(() => sandbox.cleanup());

/** A task folder planted by hand: queued, with a command that would leave `marker` behind. */
function plantTask(root: string, id: string): void {
  const dir = join(root, 'tasks', id);
  mkdirSync(join(dir, 'ipc'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'plan.md'), '# Planted\n\n- [ ] Do it\n');
  writeFileSync(join(dir, 'prompt.md'), 'Do it');
  writeFileSync(
    join(dir, 'task.json'),
    JSON.stringify({
      version: 1,
      id,
      title: 'Planted',
      request: '',
      model: 'sim',
      modelId: 'sim',
      backend: 'generic',
      backendType: 'generic',
      command: `touch ${marker}; echo`,
      passModel: false,
      argv: [],
      cwd: root,
      priority: 'normal',
      after: [],
      timeoutMinutes: 30,
      createdAt: new Date().toISOString(),
    }),
  );
  const time = new Date().toISOString();
  writeFileSync(
    join(dir, 'events.jsonl'),
    `{"type":"created","time":"${time}"}\n{"type":"queued","time":"${time}"}\n`,
  );
}

/** Every kind of command a user runs in a project, none of which may use a refused root. */
const COMMANDS = [[], ['list'], ['status'], ['status', 'planted'], ['wait', '--timeout', '1']];

describe('group- or other-writable roots', () => {
  it.each([
    ['the .dispatch folder, writable by its group', '.dispatch', 0o770, /writable by its group/],
    ['the tasks folder, writable by others', '.dispatch/tasks', 0o707, /writable by others/],
  ])('refuses %s, for every command', async (_name, folder, mode, why) => {
    plantTask(sandbox.root, 'planted');
    chmodSync(join(sandbox.project, folder), mode);
    for (const args of [...COMMANDS, ['run', '--model', 'sim', 'Say hi']]) {
      const result = await sandbox.cli(args);
      expect(result.code, `${args.join(' ')}: ${result.stdout}`).toBe(9);
      expect(result.stderr).toContain(`refusing ${join(sandbox.project, folder)}`);
      expect(result.stderr).toMatch(why);
      expect(result.stderr).toContain('chmod -R go-w');
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(sandbox.root, 'supervisor.lock'))).toBe(false);
  });
});

describe('the search for a root', () => {
  it('says which root it uses when it is found above the current folder', async () => {
    const { id } = await sandbox.run(['--model', 'sim', 'Say hi']);
    await sandbox.waitForDone([id]);
    const sub = join(sandbox.project, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    const list = await sandbox.cli(['list'], { cwd: sub });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stderr).toContain(`dispatch: using ${sandbox.root}`);
    const here = await sandbox.cli(['list']);
    expect(here.stderr).not.toContain('dispatch: using');
  });
});

/**
 * A second Unix user, made for the test. Its files are made by root and handed to it with chown,
 * which is what it could have written itself in a shared folder.
 */
let otherUid: number | undefined;
let otherName: string | undefined;
let skipReason = '';

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    skipReason = 'needs root to create a second user';
    return;
  }
  otherName = `dt${randomBytes(4).toString('hex')}`;
  try {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', otherName], {
      stdio: 'ignore',
    });
    otherUid = Number(execFileSync('id', ['-u', otherName], { encoding: 'utf8' }).trim());
  } catch (error) {
    skipReason = `useradd failed: ${(error as Error).message}`;
    otherName = undefined;
  }
});
afterAll(() => {
  if (otherName) execFileSync('userdel', [otherName], { stdio: 'ignore' });
});

function chownTree(path: string, uid: number): void {
  execFileSync('chown', ['-R', String(uid), path]);
}

describe('folders of another user', () => {
  it('refuses a .dispatch root another user owns, for every command', async (context) => {
    if (otherUid === undefined) return context.skip(skipReason);
    plantTask(sandbox.root, 'planted');
    chownTree(sandbox.root, otherUid);
    for (const args of [...COMMANDS, ['doctor'], ['run', '--model', 'sim', 'Say hi']]) {
      const result = await sandbox.cli(args);
      expect(result.code, `${args.join(' ')}: ${result.stdout}`).toBe(9);
      expect(result.stderr).toContain(`refusing ${sandbox.root}`);
      expect(result.stderr).toContain(`owned by another user (uid ${otherUid})`);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('never adopts a root above the project that another user owns', async (context) => {
    if (otherUid === undefined) return context.skip(skipReason);
    // /shared belongs to the other user and holds their tasks; the user's project is inside it.
    const shared = join(sandbox.dir, 'shared');
    const project = join(shared, 'mine');
    mkdirSync(project, { recursive: true });
    plantTask(join(shared, '.dispatch'), 'planted');
    chownTree(join(shared, '.dispatch'), otherUid);
    chownSync(shared, otherUid, -1);
    const list = await sandbox.cli(['list', '--json'], { cwd: project });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(list.stderr).not.toContain(join(shared, '.dispatch'));
    const run = await sandbox.cli(['run', '--json', '--model', 'sim', 'Say hi'], { cwd: project });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(project, '.dispatch', 'tasks', JSON.parse(run.stdout).id))).toBe(true);
    await sandbox.cli(['wait', JSON.parse(run.stdout).id, '--timeout', '30'], { cwd: project });
    expect(existsSync(marker)).toBe(false);
  });

  it('never starts or answers a task whose folder another user owns, even with a valid signature', async (context) => {
    if (otherUid === undefined) return context.skip(skipReason);
    const { id } = await sandbox.run(['--model', 'sim', '--id', 'mine', 'Say hi']);
    await sandbox.waitForDone([id]);
    // A copy of the user's own signed task, handed to the other user, who could now swap its files.
    const copy = join(sandbox.root, 'tasks', 'theirs');
    cpSync(sandbox.taskDir(id), copy, { recursive: true });
    const meta = JSON.parse(readFileSync(join(copy, 'task.json'), 'utf8'));
    expect(meta.mac).toMatch(/^hmac-sha256:/);
    chownTree(copy, otherUid);
    const status = await sandbox.cli(['status', 'theirs', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).untrusted).toMatch(/owned by another user/);
    const retry = await sandbox.cli(['retry', 'theirs']);
    expect(retry.code).toBe(9);
    expect(retry.stderr).toContain('was not created by you');
    const own = await sandbox.cli(['status', id, '--json']);
    expect(JSON.parse(own.stdout)).toMatchObject({ state: 'done', untrusted: null });
  });
});

describe('the MCP server', () => {
  async function connect(): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp'],
      cwd: sandbox.project,
      env: Object.fromEntries(
        Object.entries(sandbox.env).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'confinement-test', version: '1.0.0' });
    await client.connect(transport);
    return client;
  }

  it('serves its own folder: a dispatch_run cwd cannot reach another project', async () => {
    const elsewhere = join(sandbox.dir, 'other-project');
    mkdirSync(elsewhere);
    mkdirSync(join(sandbox.project, 'sub'));
    symlinkSync(elsewhere, join(sandbox.project, 'link'));
    const client = await connect();
    try {
      for (const cwd of ['..', elsewhere, '../other-project', 'link', 'sub/../../other-project']) {
        const result = (await client.callTool({
          name: 'dispatch_run',
          arguments: { task: 'Say hi', model: 'sim', cwd },
        })) as CallToolResult;
        expect(result.isError, cwd).toBe(true);
        const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        expect(text).toContain('outside the folder this server serves');
      }
      expect(sandbox.taskIds()).toEqual([]);
      const inside = (await client.callTool({
        name: 'dispatch_run',
        arguments: { task: 'Say hi', model: 'sim', cwd: 'sub' },
      })) as CallToolResult;
      expect(inside.isError).toBeFalsy();
      const [id] = sandbox.taskIds();
      expect(JSON.parse(sandbox.read(id as string, 'task.json')).cwd).toBe(
        join(sandbox.project, 'sub'),
      );
    } finally {
      await client.close();
    }
  });
});

describe('a task made by an earlier version (no signature)', () => {
  it('is shown as not yours and refused until the user has seen its command line and signed it', async () => {
    const { id } = await sandbox.run(['--model', 'sim', '--item', 'Say hi']);
    await sandbox.waitForDone([id]);
    const metaFile = join(sandbox.taskDir(id), 'task.json');
    const { mac: _mac, ...unsigned } = JSON.parse(readFileSync(metaFile, 'utf8'));
    writeFileSync(metaFile, JSON.stringify(unsigned, null, 2));

    const status = JSON.parse((await sandbox.cli(['status', id, '--json'])).stdout);
    expect(status).toMatchObject({ state: 'done' });
    expect(status.untrusted).toMatch(/no launch signature/);
    expect((await sandbox.cli(['list'])).stdout).toMatch(
      new RegExp(`${id}\\s+done \\(not yours\\)`),
    );
    const refused = await sandbox.cli(['retry', id]);
    expect(refused.code).toBe(9);

    const shown = await sandbox.cli(['trust', id]);
    expect(shown.stdout).toContain(`command: ${JSON.stringify(unsigned.command)}`);
    expect(JSON.parse(readFileSync(metaFile, 'utf8')).mac).toBeUndefined();
    const signed = await sandbox.cli(['trust', id, '--yes']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse((await sandbox.cli(['status', id, '--json'])).stdout).untrusted).toBeNull();
  });
});
