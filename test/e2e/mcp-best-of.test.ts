import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompareResult, PickResult, RunResult, WaitResult } from 'agent-dispatch';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { CLI, REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';

/** Best of N through the MCP tools (dispatch_run with bestOf, dispatch_compare, dispatch_pick). */
let sandbox: Sandbox;
let client: Client | undefined;

const SIM = join(REPO_ROOT, 'dist/bin/sim-worker.js');
const answering = (answer: string) =>
  JSON.stringify(`printf '${answer}\\n' > answer.txt; node ${SIM}`);

beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
  sandbox.writeConfig(
    [
      'default: right',
      'backends:',
      `  right: { command: ${answering('42')}, type: generic }`,
      `  wrong: { command: ${answering('41')}, type: generic }`,
      'models:',
      '  right: { backend: right }',
      '  wrong: { backend: wrong }',
      '',
    ].join('\n'),
  );
  initRepo(sandbox.project, { 'README.md': 'project\n' });
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  sandbox.cleanup();
});

async function connect(): Promise<Client> {
  const env = Object.fromEntries(
    Object.entries(sandbox.env).filter((entry): entry is [string, string] => !!entry[1]),
  );
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    cwd: sandbox.project,
    env,
    stderr: 'pipe',
  });
  const mcp = new Client({ name: 'agent-dispatch-test', version: '1.0.0' });
  await mcp.connect(transport);
  client = mcp;
  return mcp;
}

async function call<T>(mcp: Client, name: string, args: Record<string, unknown>) {
  const result = (await mcp.callTool({ name, arguments: args }, undefined, {
    timeout: 60_000,
  })) as CallToolResult;
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return { result, text, data: result.structuredContent as T };
}

describe('best of N through MCP', () => {
  it('runs two models, waits for the group, compares and picks, refusing to delete work unasked', async () => {
    const mcp = await connect();
    const run = await call<RunResult & { tasks: RunResult[] }>(mcp, 'dispatch_run', {
      task: 'Fix the answer',
      items: ['Survey the code'],
      id: 'fix',
      bestOf: 2,
      models: ['right', 'wrong'],
      verify: 'test "$(cat answer.txt)" = 42',
    });
    expect(run.result.isError, run.text).toBeFalsy();
    expect(run.data.tasks.map((task) => task.id)).toEqual(['fix.1', 'fix.2']);
    expect(run.text).toContain('dispatch_compare (id "fix")');

    const waited = await call<WaitResult>(mcp, 'dispatch_wait', {
      ids: ['fix'],
      timeoutSeconds: 60,
    });
    expect(waited.data.event).toBe('attention');
    expect(waited.data.tasks.map((task) => task.id).sort()).toEqual(['fix.1', 'fix.2']);

    const compared = await call<CompareResult>(mcp, 'dispatch_compare', { id: 'fix' });
    expect(compared.data.runs.map((r) => [r.id, r.outcome, r.tokens, r.costUsd])).toEqual([
      ['fix.1', 'done-verified', null, null],
      ['fix.2', 'verify-failed', null, null],
    ]);
    expect(compared.text).toContain('1. fix.1 (right): verify passed, diff +1 -0 in 1 files');
    expect(compared.text).toContain('cost unknown');

    const refused = await call<PickResult>(mcp, 'dispatch_pick', { id: 'fix', child: '1' });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toContain('fix.2: 1 uncommitted change');
    expect(gitIn(sandbox.project, ['log', '--oneline'])).not.toContain('Merge');

    const picked = await call<PickResult>(mcp, 'dispatch_pick', {
      id: 'fix',
      child: '1',
      yes: true,
    });
    expect(picked.result.isError, picked.text).toBeFalsy();
    expect(picked.data).toMatchObject({ picked: 'fix.1', discarded: [{ id: 'fix.2' }] });
    expect(picked.text).toContain('Picked fix.1 of fix.');
  });
});
