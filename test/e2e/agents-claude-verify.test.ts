import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import {
  AGENT_BIN,
  SKIP_REASON,
  agentPath,
  claudeSetup,
  configFor,
} from '../model-servers/agent-clis.js';
import { anthropicApi, anthropicApiWith } from '../model-servers/anthropic-api.js';
import { ITEMS } from '../model-servers/dispatch-scenarios.js';
import { REPLY_USAGE, startModelServer } from '../model-servers/model-server.js';
import { isAlive } from '../helpers/processes.js';
import { waitForCondition } from '../helpers/wait-for.js';
import {
  FEEDBACK_MARK,
  messageText,
  verifyRoundsScript,
} from '../model-servers/verify-rounds-script.js';

/**
 * Verify, iterate and budgets (docs/verify.md) with the real Claude Code CLI against the scripted
 * Anthropic server: the first round's work fails the verify command, `--iterate 1` resumes the
 * same session (`claude --resume`) with the command's output, and the second round passes; and
 * a token budget stops the CLI mid-session from the usage of its responses so far.
 */
const CHECK_ANSWER =
  'got=$(cat answer.txt); echo "checking answer.txt"; if [ "$got" = 42 ]; then echo ok; else echo "expected 42, got $got"; exit 1; fi';

type Message = { role: string; content: unknown };

if (!AGENT_BIN) console.warn(`agents-claude-verify: skipped, ${SKIP_REASON}`);

describe.skipIf(!AGENT_BIN)('the real Claude Code CLI with a verify command and a budget', () => {
  it(
    'resumes its own session with the failing output, and passes in round 2',
    { timeout: 240_000 },
    async () => {
      const server = await startModelServer(anthropicApiWith(verifyRoundsScript));
      const cliDir = mkdtempSync(join(tmpdir(), 'dispatch-agent-cli-'));
      const setup = claudeSetup(server.url, cliDir);
      const sandbox = new Sandbox({ PATH: agentPath(), ...setup.env });
      sandbox.writeConfig(configFor(setup));
      try {
        const run = await sandbox.run([
          '--verify',
          CHECK_ANSWER,
          '--iterate',
          '1',
          '--title',
          'Answer',
          '--item',
          'Write the answer to answer.txt',
        ]);
        const waited = await sandbox.cli(['wait', run.id, '--timeout', '180'], {
          timeoutMs: 200_000,
        });
        const events = () => sandbox.read(run.id, 'events.jsonl');
        expect(waited.code, `${waited.stdout}${waited.stderr}\n${events()}`).toBe(0);
        expect(waited.stdout).toContain(`${run.id}: done, verified:`);
        expect(readFileSync(join(sandbox.project, 'answer.txt'), 'utf8')).toBe('42\n');

        const status = await sandbox.status(run.id);
        expect(status).toMatchObject({
          state: 'done',
          outcome: 'done-verified',
          verify: { step: 'passed', round: 2, rounds: 2 },
        });
        const history = (status.verify as { history: { attempt: number; passed: boolean }[] })
          .history;
        expect(history.map((h) => [h.attempt, h.passed])).toEqual([
          [1, false],
          [2, true],
        ]);

        // Round 2 resumed the session Claude Code named in round 1.
        const all = sandbox.events(run.id);
        const session = all.find((e) => e.type === 'session' && e.attempt === 1)?.session;
        expect(typeof session).toBe('string');
        expect(all.find((e) => e.type === 'resumed')).toMatchObject({
          attempt: 2,
          reason: 'verify',
          session,
        });

        // The first request of round 2 carries the whole earlier conversation (the worker
        // prompt, the round-1 tool call and its result) and the verify command's output.
        const conversations = server.requests
          .map((request) => (request.body as { messages?: Message[] } | undefined)?.messages)
          .filter((messages): messages is Message[] => Array.isArray(messages));
        const resumedRequest = conversations.find((messages) =>
          messages.some((m) => m.role === 'user' && messageText(m).includes(FEEDBACK_MARK)),
        );
        expect(resumedRequest, 'no request carried the verify feedback').toBeDefined();
        const text = (resumedRequest ?? []).map((m) => `${m.role}: ${messageText(m)}`).join('\n');
        expect(text).toContain('Plan file:');
        expect(text).toContain('41 > answer.txt');
        expect(text).toContain('The answer is written.');
        expect(text).toContain('expected 42, got 41');
        expect(text).toContain(CHECK_ANSWER);
        const feedbackAt = (resumedRequest ?? []).findIndex((m) =>
          messageText(m).includes(FEEDBACK_MARK),
        );
        const round1At = (resumedRequest ?? []).findIndex((m) =>
          messageText(m).includes('41 > answer.txt'),
        );
        // The worker prompt of round 1 opens the conversation.
        expect(messageText((resumedRequest ?? [])[0] ?? { content: '' })).toContain('Plan file:');
        expect(round1At).toBeGreaterThanOrEqual(0);
        expect(round1At).toBeLessThan(feedbackAt);
        expect(sandbox.read(run.id, 'verify.log')).toContain('--- verify passed');
      } finally {
        sandbox.cleanup();
        rmSync(cliDir, { recursive: true, force: true });
        await server.close();
      }
    },
  );

  it(
    'is stopped mid-session once its responses pass --max-tokens, its cost unknown',
    { timeout: 240_000 },
    async () => {
      const server = await startModelServer(anthropicApi);
      const cliDir = mkdtempSync(join(tmpdir(), 'dispatch-agent-cli-'));
      const setup = claudeSetup(server.url, cliDir);
      const sandbox = new Sandbox({ PATH: agentPath(), ...setup.env });
      sandbox.writeConfig(configFor(setup));
      try {
        // Each scripted response uses 1,200 input tokens: the second passes the limit, and the
        // worker then waits in `dispatch ask` for an answer that never comes.
        const limit = REPLY_USAGE.input + 500;
        const run = await sandbox.run([
          '--max-tokens',
          String(limit),
          '--title',
          'Greeting',
          ...ITEMS.flatMap((item) => ['--item', item]),
        ]);
        const stop = await waitForCondition(
          sandbox.taskDir(run.id),
          () => sandbox.events(run.id).find((e) => e.type === 'budget-exceeded'),
          180_000,
          () => sandbox.read(run.id, 'events.jsonl'),
        );
        expect(stop).toMatchObject({ scope: 'task', unit: 'tokens', max: limit, stopped: true });
        expect(stop.used as number).toBeGreaterThan(limit);
        const status = await sandbox.status(run.id);
        expect(status).toMatchObject({ state: 'failed' });
        expect(status.reason).toMatch(/^budget exceeded: [\d,]+ tokens of 1,700 max$/);
        await waitForCondition(
          sandbox.taskDir(run.id),
          () => (isAlive(run.pid as number) ? undefined : true),
          15_000,
          () => `worker ${run.pid} still runs`,
        );
        // Stopped before its final result, Claude Code never said what the session cost.
        const usage = (await sandbox.status(run.id)).usage as Record<string, unknown>;
        expect(usage.inputTokens as number).toBeGreaterThanOrEqual(2 * REPLY_USAGE.input);
        expect(usage).not.toHaveProperty('costUsd');
        expect((await sandbox.cli(['status', run.id])).stdout).toContain('cost unknown');
      } finally {
        sandbox.cleanup();
        rmSync(cliDir, { recursive: true, force: true });
        await server.close();
      }
    },
  );
});
