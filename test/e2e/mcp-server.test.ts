import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AnswerResult,
  CancelResult,
  DiffResult,
  CleanResult,
  DiscardResult,
  MergeResult,
  LogsResult,
  ModelsResult,
  NoteResult,
  RetryResult,
  RunResult,
  TaskDetail,
  TaskSummary,
  WaitResult,
} from 'agent-dispatch';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { CLI } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForFile } from '../helpers/wait-for.js';

let sandbox: Sandbox;
let client: Client | undefined;
let protocolErrors: Error[];
let serverStderr: string;
let rawServer: ChildProcess | undefined;

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** A real MCP client from the SDK, which spawns `node bin/dispatch mcp` in the sandbox project. */
async function connect(): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    cwd: sandbox.project,
    env: definedEnv(sandbox.env),
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (serverStderr += chunk.toString()));
  const mcp = new Client({ name: 'agent-dispatch-test', version: '1.0.0' });
  // Anything on the server's stdout that is not a protocol message ends up here.
  mcp.onerror = (error) => protocolErrors.push(error);
  await mcp.connect(transport);
  client = mcp;
  return mcp;
}

/** Calls a tool; `data` is its structured output, typed as the library's result for that tool. */
async function call<T = Record<string, unknown>>(
  mcp: Client,
  name: string,
  args: Record<string, unknown> = {},
) {
  const result = (await mcp.callTool({ name, arguments: args }, undefined, {
    timeout: 60_000,
  })) as CallToolResult;
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return { result, text, data: result.structuredContent as T };
}

beforeEach(() => {
  sandbox = new Sandbox();
  client = undefined;
  rawServer = undefined;
  protocolErrors = [];
  serverStderr = '';
});
afterEach(async () => {
  await client?.close();
  if (rawServer && rawServer.exitCode === null && rawServer.signalCode === null)
    rawServer.kill('SIGKILL');
  sandbox.cleanup();
});

describe('dispatch mcp', () => {
  it('takes a simulated task through a question to completion', async () => {
    const mcp = await connect();
    expect(mcp.getServerVersion()?.name).toBe('agent-dispatch');
    expect(mcp.getInstructions()).toContain('dispatch_wait');

    const { tools } = await mcp.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'dispatch_answer',
        'dispatch_cancel',
        'dispatch_clean',
        'dispatch_compare',
        'dispatch_continue',
        'dispatch_diff',
        'dispatch_discard',
        'dispatch_list',
        'dispatch_logs',
        'dispatch_merge',
        'dispatch_models',
        'dispatch_note',
        'dispatch_pick',
        'dispatch_retry',
        'dispatch_run',
        'dispatch_show',
        'dispatch_status',
        'dispatch_wait',
      ].sort(),
    );
    const runTool = tools.find((tool) => tool.name === 'dispatch_run');
    expect(Object.keys(runTool?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['task', 'title', 'items', 'plan', 'model', 'cwd']),
    );
    expect(runTool?.outputSchema?.properties).toHaveProperty('state');

    const run = await call<RunResult>(mcp, 'dispatch_run', {
      title: 'Greeting',
      model: 'sim',
      task: 'Write a greeting file',
      items: [
        'Look around',
        'ask: Which name should the greeting use?',
        'write: greeting.txt = hello',
      ],
    });
    expect(run.result.isError).toBeFalsy();
    expect(run.data).toMatchObject({
      id: 'greeting',
      model: 'sim',
      backend: 'sim',
      modelVia: 'flag',
      items: [
        'Look around',
        'ask: Which name should the greeting use?',
        'write: greeting.txt = hello',
      ],
    });
    expect(['running', 'waiting', 'done']).toContain(run.data.state);
    expect(run.text).toContain('Dispatched greeting using sim');

    const asked = await call<WaitResult>(mcp, 'dispatch_wait', {
      ids: ['greeting'],
      timeoutSeconds: 30,
    });
    expect(asked.data.event).toBe('attention');
    expect(asked.data.tasks[0]).toMatchObject({
      id: 'greeting',
      state: 'waiting',
      question: { seq: 1, text: 'Which name should the greeting use?', live: true },
    });
    expect(asked.text).toContain('question 001: Which name should the greeting use?');

    const { resources } = await mcp.listResources();
    expect(resources.map((r) => r.uri)).toContain('dispatch://tasks/greeting/plan');
    const plan = await mcp.readResource({ uri: 'dispatch://tasks/greeting/plan' });
    const planText = String((plan.contents[0] as { text: string }).text);
    expect(planText).toContain('# Greeting');
    expect(planText).toContain('ask: Which name should the greeting use?');
    expect(planText).toBe(sandbox.read('greeting', 'plan.md'));

    const answered = await call<AnswerResult>(mcp, 'dispatch_answer', {
      id: 'greeting',
      text: 'Ada',
    });
    expect(answered.data).toMatchObject({
      id: 'greeting',
      seq: 1,
      resumed: false,
      workerWaiting: false,
    });
    expect(answered.text).toContain(
      'Answered question 001 of greeting; no `dispatch ask` is waiting now',
    );
    expect(sandbox.read('greeting', join('ipc', '001.answer'))).toBe('Ada\n');

    const finished = await call<WaitResult>(mcp, 'dispatch_wait', {
      ids: ['greeting'],
      timeoutSeconds: 30,
    });
    expect(finished.data.event).toBe('attention');
    expect(finished.data.tasks[0]).toMatchObject({
      state: 'done',
      progress: { done: 3, total: 3 },
    });
    expect(readFileSync(join(sandbox.project, 'greeting.txt'), 'utf8')).toBe('hello\n');
    expect(existsSync(join(sandbox.taskDir('greeting'), 'ipc', '001.done'))).toBe(true);

    // Done is judged from ipc/.done; the worker's exit status lands a moment later.
    await waitForFile(join(sandbox.taskDir('greeting'), 'events.jsonl'), (text) =>
      text.includes('"type":"exited"'),
    );
    const status = await call<TaskDetail>(mcp, 'dispatch_status', { id: 'greeting' });
    expect(status.data).toMatchObject({ state: 'done', exit: { code: 0, signal: null } });
    const output = await mcp.readResource({ uri: 'dispatch://tasks/greeting/output' });
    expect((output.contents[0] as { text: string }).text).toContain('simulated worker');
    const logs = await call<LogsResult>(mcp, 'dispatch_logs', { id: 'greeting', lines: 5 });
    expect(logs.data.lines.join('\n')).toContain('[sim] done');
    const list = await call<{ tasks: TaskSummary[] }>(mcp, 'dispatch_list');
    expect(list.data.tasks.map((t) => t.id)).toEqual(['greeting']);

    const answeredEvent = sandbox.events('greeting').find((e) => e.type === 'answered');
    expect(answeredEvent).toMatchObject({ seq: 1, by: 'mcp' });
    expect(protocolErrors).toEqual([]);
  });

  it('returns tool errors with the CLI message and hint', async () => {
    const mcp = await connect();
    const missing = await call<TaskDetail>(mcp, 'dispatch_status', { id: 'nope' });
    expect(missing.result.isError).toBe(true);
    expect(missing.result.structuredContent).toBeUndefined();
    expect(missing.text).toContain(`no task "nope" in ${join(sandbox.root, 'tasks')}`);
    expect(missing.text).toContain('There are no tasks here yet: start one with `dispatch run`.');

    const badId = await call<AnswerResult>(mcp, 'dispatch_answer', { id: '../etc', text: 'x' });
    expect(badId.result.isError).toBe(true);
    expect(badId.text).toContain('invalid task id "../etc"');

    const badArgs = await call<RunResult>(mcp, 'dispatch_run', { items: 'not a list' });
    expect(badArgs.result.isError).toBe(true);
    expect(badArgs.text).toMatch(/items/);

    const nothing = await call<RunResult>(mcp, 'dispatch_run', {});
    expect(nothing.result.isError).toBe(true);
    expect(nothing.text).toContain('nothing to dispatch');

    await expect(mcp.readResource({ uri: 'dispatch://tasks/nope/plan' })).rejects.toThrow(
      /no task "nope"/,
    );
    expect(protocolErrors).toEqual([]);
  });

  it('shows, merges and discards the work of worktree tasks', async () => {
    initRepo(sandbox.project, { 'README.md': 'hello\n' });
    const mcp = await connect();
    for (const [id, item] of [
      ['kept', 'write: notes.txt = draft'],
      ['dropped', 'write: scratch.txt = junk'],
    ] as const) {
      const run = await call<RunResult>(mcp, 'dispatch_run', {
        id,
        model: 'sim',
        worktree: true,
        items: [item],
      });
      expect(run.result.isError).toBeFalsy();
      expect((await sandbox.cli(['wait', id, '--timeout', '20'])).code).toBe(0);
    }

    const diff = await call<DiffResult>(mcp, 'dispatch_diff', { id: 'kept' });
    expect(diff.data).toMatchObject({
      id: 'kept',
      present: true,
      branchExists: true,
      commits: [],
      uncommittedFiles: ['?? notes.txt'],
      worktree: { branch: 'dispatch/kept', path: join(sandbox.root, 'worktrees', 'kept') },
    });
    expect(diff.data.uncommitted).toContain('+draft');
    expect(diff.text).toContain('Uncommitted in the worktree: 1 file');
    const stat = await call<DiffResult>(mcp, 'dispatch_diff', { id: 'kept', stat: true });
    expect(stat.data.uncommitted).toMatch(/notes\.txt \| 1 \+/);

    const merged = await call<MergeResult>(mcp, 'dispatch_merge', { id: 'kept' });
    expect(merged.result.isError).toBeFalsy();
    expect(merged.data).toMatchObject({ id: 'kept', outcome: 'merged', into: 'main' });
    expect(merged.data.committed).toMatch(/^[0-9a-f]{40}$/);
    expect(merged.text).toContain('Merged dispatch/kept into main');
    expect(readFileSync(join(sandbox.project, 'notes.txt'), 'utf8')).toBe('draft\n');
    expect(gitIn(sandbox.project, ['rev-parse', 'HEAD']).trim()).toBe(merged.data.head);

    // Unmerged work is deleted only when the caller says yes.
    const dropped = join(sandbox.root, 'worktrees', 'dropped');
    const refused = await call<DiscardResult>(mcp, 'dispatch_discard', { id: 'dropped' });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toContain('refusing to discard task dropped');
    expect(refused.text).toContain('1 uncommitted change');
    expect(existsSync(join(dropped, 'scratch.txt'))).toBe(true);
    const discarded = await call<DiscardResult>(mcp, 'dispatch_discard', {
      id: 'dropped',
      yes: true,
    });
    expect(discarded.data).toMatchObject({ id: 'dropped', lost: { uncommitted: 1, unmerged: 0 } });
    expect(existsSync(dropped)).toBe(false);
    expect(gitIn(sandbox.project, ['branch', '--list', 'dispatch/dropped']).trim()).toBe('');

    const plain = await call<RunResult>(mcp, 'dispatch_run', { model: 'sim', items: ['x'] });
    const noTree = await call<DiffResult>(mcp, 'dispatch_diff', { id: plain.data.id });
    expect(noTree.result.isError).toBe(true);
    expect(noTree.text).toContain('does not run in a worktree');

    // Cleaning: a dry run lists the finished tasks and removes nothing.
    const cleaned = await call<CleanResult>(mcp, 'dispatch_clean', {
      allFinished: true,
      dryRun: true,
    });
    expect(cleaned.result.isError).toBeFalsy();
    expect(cleaned.data.dryRun).toBe(true);
    expect(cleaned.data.removed.map((t) => t.id)).toEqual(
      expect.arrayContaining(['kept', 'dropped']),
    );
    expect(cleaned.text).toMatch(/^Would remove \d+ finished tasks?: /);
    expect(existsSync(sandbox.taskDir('kept'))).toBe(true);
    expect(protocolErrors).toEqual([]);
  });

  it('gives a task a token budget through the tools and reports its stop', async () => {
    sandbox.writeConfig(
      'backends:\n  simjson: { command: dispatch-sim --format json, type: sim }\nmodels:\n  metered: simjson\n',
    );
    const mcp = await connect();
    const run = await call<RunResult>(mcp, 'dispatch_run', {
      id: 'metered',
      model: 'metered',
      maxTokens: 500,
      items: ['usage: 600 tokens', 'hang'],
    });
    expect(run.result.isError, run.text).toBeFalsy();
    const waited = await call<WaitResult>(mcp, 'dispatch_wait', {
      ids: ['metered'],
      timeoutSeconds: 60,
    });
    expect(waited.data.tasks[0]).toMatchObject({
      state: 'failed',
      reason: 'budget exceeded: 600 tokens of 500 max',
    });
    expect(waited.text).toContain('budget exceeded: 600 tokens of 500 max');
    expect(protocolErrors).toEqual([]);
  });

  it('verifies a task through the tools and refuses to merge a failed one unless forced', async () => {
    initRepo(sandbox.project, { 'README.md': 'hello\n' });
    const mcp = await connect();
    const tools = (await mcp.listTools()).tools;
    const runTool = tools.find((tool) => tool.name === 'dispatch_run');
    expect(Object.keys(runTool?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['verify', 'verifyTimeoutMinutes', 'iterate']),
    );
    const run = await call<RunResult>(mcp, 'dispatch_run', {
      id: 'checked',
      model: 'sim',
      worktree: true,
      items: ['write: answer.txt = 41'],
      verify: 'test "$(cat answer.txt)" = 42',
    });
    expect(run.result.isError).toBeFalsy();
    const waited = await call<WaitResult>(mcp, 'dispatch_wait', {
      ids: ['checked'],
      timeoutSeconds: 60,
    });
    expect(waited.data.tasks[0]).toMatchObject({
      state: 'verify-failed',
      outcome: 'verify-failed',
    });
    expect(waited.text).toContain('checked: verify-failed');
    const status = await call<TaskDetail>(mcp, 'dispatch_status', { id: 'checked' });
    expect(status.data).toMatchObject({
      outcome: 'verify-failed',
      verify: { command: 'test "$(cat answer.txt)" = 42', step: 'failed', rounds: 1 },
    });

    const refused = await call<MergeResult>(mcp, 'dispatch_merge', { id: 'checked' });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toContain('did not pass its verify command');
    const forced = await call<MergeResult>(mcp, 'dispatch_merge', { id: 'checked', force: true });
    expect(forced.data).toMatchObject({ id: 'checked', outcome: 'merged' });
    expect(protocolErrors).toEqual([]);
  });

  it('times out a wait, notes, cancels and retries a running task', async () => {
    const mcp = await connect();
    const run = await call<RunResult>(mcp, 'dispatch_run', {
      model: 'sim',
      title: 'Forever',
      items: ['hang'],
    });
    expect(run.data.id).toBe('forever');

    const waited = await call<WaitResult>(mcp, 'dispatch_wait', { timeoutSeconds: 0.2 });
    expect(waited.data.event).toBe('timeout');
    expect(waited.data.tasks.map((t) => t.id)).toEqual(['forever']);
    expect(waited.text).toContain('Call dispatch_wait again');

    const noted = await call<NoteResult>(mcp, 'dispatch_note', {
      id: 'forever',
      text: 'Use the staging DB',
    });
    expect(noted.result.isError).toBeFalsy();
    expect(sandbox.read('forever', 'plan.md')).toContain(
      '> **Note from dispatcher:** Use the staging DB',
    );

    const cancelled = await call<CancelResult>(mcp, 'dispatch_cancel', {
      id: 'forever',
      reason: 'testing',
    });
    expect(cancelled.data).toMatchObject({ id: 'forever', state: 'cancelled' });
    const retried = await call<RetryResult>(mcp, 'dispatch_retry', { id: 'forever' });
    expect(retried.data).toMatchObject({ id: 'forever', attempt: 2, model: 'sim' });
    expect(['running', 'queued']).toContain(retried.data.state);
    const again = await call<CancelResult>(mcp, 'dispatch_cancel', { id: 'forever' });
    expect(again.data.state).toBe('cancelled');

    const models = await call<ModelsResult>(mcp, 'dispatch_models');
    expect(models.data).toMatchObject({
      configFile: null,
      default: 'sim',
      models: [{ name: 'sim', ready: true, isDefault: true }],
    });
    expect(protocolErrors).toEqual([]);
  });

  it('exits by itself when its input closes, even while a wait is pending', async () => {
    await sandbox.run(['--model', 'sim', '--id', 'forever', '--item', 'hang']);
    const server = startRawServer();
    await server.initialize();
    const pendingWait = server.request(2, 'tools/call', {
      name: 'dispatch_wait',
      arguments: { ids: ['forever'], timeoutSeconds: 600 },
    });
    // Requests are handled in order: once the ping is answered, the wait has started.
    await server.request(3, 'ping', {});
    let waitAnswered = false;
    void pendingWait.then(
      () => (waitAnswered = true),
      () => undefined, // the server exits without answering it, as it should
    );
    server.process.stdin?.end();
    const exit = await server.exited;
    expect(exit, server.stderr()).toEqual({ code: 0, signal: null });
    expect(waitAnswered).toBe(false);
    expect(server.pendingOutput()).toBe('');
  });

  it('refuses a frame too large or not JSON with a JSON-RPC error and keeps serving', async () => {
    const server = startRawServer();
    await server.initialize();
    const errors: unknown[] = [];
    server.onUnmatched((message) => errors.push(message));
    // 12 MiB on one line: more than any request needs, refused without reading it into memory.
    const huge = `{"jsonrpc":"2.0","id":7,"method":"ping","params":{"x":"${'a'.repeat(12 * 1024 * 1024)}"}}\n`;
    server.process.stdin?.write(huge);
    server.process.stdin?.write('this is not json\n');
    const reply = (await server.request(8, 'ping', {})) as { result?: unknown };
    expect(reply.result).toEqual({});
    expect(errors).toEqual([
      {
        jsonrpc: '2.0',
        id: null,
        error: expect.objectContaining({
          code: -32600,
          message: expect.stringMatching(/larger than the limit of \d+ MiB/),
        }),
      },
      {
        jsonrpc: '2.0',
        id: null,
        error: expect.objectContaining({ code: -32700, message: expect.stringMatching(/JSON/) }),
      },
    ]);
    server.process.stdin?.end();
    expect(await server.exited, server.stderr()).toEqual({ code: 0, signal: null });
  });
});

/** `dispatch mcp` spoken to line by line, without the SDK client, to send what a client would not. */
function startRawServer() {
  const server = spawn(process.execPath, [CLI, 'mcp'], {
    cwd: sandbox.project,
    env: sandbox.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  rawServer = server;
  let stdout = '';
  let stderr = '';
  let unmatched: (message: unknown) => void = () => {};
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    server.on('close', (code, signal) => resolve({ code, signal })),
  );
  const responses = new Map<number, (message: unknown) => void>();
  server.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const line of stdout.split('\n').slice(0, -1)) {
      const message = JSON.parse(line) as { id?: number | null };
      const waiting = typeof message.id === 'number' ? responses.get(message.id) : undefined;
      if (waiting) waiting(message);
      else unmatched(message);
    }
    stdout = stdout.slice(stdout.lastIndexOf('\n') + 1);
  });
  const request = (id: number, method: string, params: unknown): Promise<unknown> => {
    const reply = new Promise((resolve) => responses.set(id, resolve));
    server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    const gone = exited.then((exit) => {
      throw new Error(
        `the server exited (${JSON.stringify(exit)}) before answering ${id}: ${stderr}`,
      );
    });
    return Promise.race([reply, gone]);
  };
  return {
    process: server,
    exited,
    request,
    stderr: () => stderr,
    pendingOutput: () => stdout,
    onUnmatched: (listener: (message: unknown) => void) => (unmatched = listener),
    async initialize(): Promise<void> {
      await request(1, 'initialize', {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      });
      server.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`,
      );
    },
  };
}
