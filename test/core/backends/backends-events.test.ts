import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BackendType } from '../../../src/core/config/config-schema.js';
import { summarizeUsage } from '../../../src/core/task/task-usage.js';
import { parseEvents } from '../../../src/core/task/task-events.js';
import { backendFor } from '../../../src/core/backends/backend-registry.js';
import { LogFilter } from '../../../src/runtime/spawn/log-filter.js';
import { EVENTS_FD, workerWrapperScript } from '../../../src/runtime/spawn/worker-wrapper.js';

/** JSON output of the real CLIs (their versions in docs/backends.md), one scripted session each. */
const fixture = (name: string) =>
  readFileSync(
    fileURLToPath(new URL(`../../fixtures/agent-output/${name}`, import.meta.url)),
    'utf8',
  );

function render(type: BackendType, text: string) {
  const filter = new LogFilter(backendFor(type).events!);
  const lines = text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => filter.line(line));
  return { lines: [...lines, ...filter.end()], usage: filter.usage() };
}

describe('rendering each CLI’s JSON events for worker.log, and the usage they report', () => {
  it.each([
    [
      'claude',
      '→ Write: /tmp/t/task/output.md',
      { inputTokens: 6000, outputTokens: 300, costUsd: 0.015 },
    ],
    [
      'codex',
      '→ $ /bin/bash -c "ls -a',
      { inputTokens: 6000, outputTokens: 300, cacheReadTokens: 0 },
    ],
    [
      'gemini',
      '→ write_file: /tmp/t/task/output.md',
      { inputTokens: 6000, outputTokens: 300, cacheReadTokens: 0 },
    ],
    [
      'opencode',
      '→ write: /tmp/t/task/output.md',
      { inputTokens: 6000, outputTokens: 300, costUsd: 0 },
    ],
  ] as const)('%s', (type, toolLine, usage) => {
    const { lines, usage: reported } = render(type, fixture(`${type}-session.jsonl`));
    expect(lines.some((line) => line.startsWith(toolLine))).toBe(true);
    expect(lines).toContain('All plan items are done.');
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(lines.some((line) => line.startsWith('  ↳ '))).toBe(true);
    expect(reported).toMatchObject(usage);
  });

  it('claude: an API error becomes an error line, and a failed session reports no tokens', () => {
    const { lines, usage } = render('claude', fixture('claude-401.jsonl'));
    expect(lines).toContain('[claude] error: Invalid API key · Fix external API key (HTTP 401)');
    expect(usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it('claude: tokens count as each response arrives, once per response id; the result adds the cost', () => {
    const assistant = (id: string, output: number) =>
      JSON.stringify({
        type: 'assistant',
        message: {
          id,
          content: [{ type: 'text', text: 'hi' }],
          usage: { input_tokens: 10, cache_read_input_tokens: 100, output_tokens: output },
        },
      });
    const filter = new LogFilter(backendFor('claude').events!);
    filter.line(assistant('msg_1', 5));
    // The same response again (one event per content block), with its final figures.
    filter.line(assistant('msg_1', 7));
    expect(filter.usage()).toEqual({
      inputTokens: 110,
      outputTokens: 7,
      cacheReadTokens: 100,
      cacheWriteTokens: 0,
    });
    filter.line(assistant('msg_2', 3));
    expect(filter.usage()).toMatchObject({ inputTokens: 220, outputTokens: 10 });
    expect(filter.usage()?.costUsd).toBeUndefined();
    filter.line(
      JSON.stringify({
        type: 'result',
        num_turns: 2,
        total_cost_usd: 0.02,
        usage: { input_tokens: 20, cache_read_input_tokens: 200, output_tokens: 10 },
      }),
    );
    expect(filter.usage()).toMatchObject({ inputTokens: 220, outputTokens: 10, costUsd: 0.02 });
  });

  it('gemini: streamed text pieces are joined into whole lines', () => {
    const { lines } = render(
      'gemini',
      [
        '{"type":"message","role":"assistant","content":"Hello ","delta":true}',
        '{"type":"message","role":"assistant","content":"world.\\nSecond","delta":true}',
        '{"type":"message","role":"assistant","content":" line.","delta":true}',
        '{"type":"result","status":"success","stats":{"input_tokens":5,"output_tokens":2,"cached":1,"tool_calls":0}}',
      ].join('\n'),
    );
    expect(lines).toEqual([
      'Hello world.',
      'Second line.',
      '[gemini] finished (success, 0 tool calls)',
    ]);
  });

  it('passes through what is not a JSON event, and never loses a line it cannot render', () => {
    const { lines } = render(
      'codex',
      ['Reading additional input from stdin...', '{"broken', '[1,2]'].join('\n'),
    );
    expect(lines).toEqual(['Reading additional input from stdin...', '{"broken', '[1,2]']);
  });

  it('adds up usage per attempt over the events of a task', () => {
    const { events } = parseEvents(
      [
        '{"type":"usage","time":"t","attempt":1,"inputTokens":100,"outputTokens":10,"costUsd":0.5}',
        '{"type":"exited","time":"t","attempt":1,"code":1}',
        '{"type":"usage","time":"t","attempt":2,"inputTokens":50,"outputTokens":"x","cacheReadTokens":20}',
      ].join('\n'),
    );
    // Attempt 2 reported no price: the whole cost is unknown, not the $0.50 of attempt 1.
    expect(summarizeUsage(events)).toEqual({
      inputTokens: 150,
      outputTokens: 10,
      cacheReadTokens: 20,
      attempts: 2,
    });
    expect(summarizeUsage(events.slice(0, 2))).toMatchObject({ costUsd: 0.5, attempts: 1 });
    expect(summarizeUsage([])).toBeUndefined();
  });
});

describe('the worker wrapper with the log filter', () => {
  it("records the CLI's exit status after the filter has written the log and the usage event", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-wrapper-'));
    try {
      writeFileSync(join(dir, 'events.jsonl'), '');
      const cli = join(dir, 'fake-cli.sh');
      writeFileSync(
        cli,
        [
          'echo "warning on stderr" >&2',
          `echo '{"type":"turn.completed","usage":{"input_tokens":7,"cached_input_tokens":2,"output_tokens":3}}'`,
          `echo '{"type":"item.completed","item":{"type":"agent_message","text":"'"$1"'"}}'`,
          'exit 7',
        ].join('\n'),
      );
      const filter = [
        process.execPath,
        fileURLToPath(new URL('../../../dist/bin/log-filter.js', import.meta.url)),
        'codex',
        '2',
      ]
        .map((word) => `'${word}'`)
        .join(' ');
      // The launcher hands the wrapper events.jsonl as a descriptor, never as a path.
      const events = openSync(join(dir, 'events.jsonl'), 'a');
      const stdio: ('ignore' | 'pipe' | number)[] = ['ignore', 'pipe', 'pipe'];
      while (stdio.length < EVENTS_FD) stdio.push('ignore');
      stdio.push(events);
      const result = spawnSync(
        '/bin/sh',
        [
          '-c',
          `${workerWrapperScript(`sh ${cli}`, filter)}`,
          'dispatch-worker',
          'it is $(not) run',
        ],
        {
          env: { ...process.env, DISPATCH_TASK_DIR: dir, DISPATCH_ATTEMPT: '2' },
          stdio,
          encoding: 'utf8',
        },
      );
      closeSync(events);
      expect(result.status).toBe(7);
      expect(result.stdout).toBe('it is $(not) run\n');
      expect(result.stderr).toBe('warning on stderr\n');
      const recorded = readFileSync(join(dir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(recorded.map((e) => e.type)).toEqual(['usage', 'exited']);
      expect(recorded[0]).toMatchObject({
        attempt: 2,
        inputTokens: 7,
        outputTokens: 3,
        cacheReadTokens: 2,
      });
      expect(recorded[1]).toMatchObject({ attempt: 2, code: 7 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
