import { describe, expect, it } from 'vitest';
import type { BackendType } from '../../../src/core/config/config-schema.js';
import { backendFor } from '../../../src/core/backends/backend-registry.js';
import { classifyRetrying } from '../../../src/core/backends/retrying.js';

/**
 * The lines below are what the real CLIs printed (claude 2.1.330, codex 0.169.0, gemini 0.61.0,
 * opencode 1.18.33) against a scripted server answering 401, 429 or 500, or not listening, as
 * rendered into worker.log. Each must be named as its cause.
 */
const OBSERVED: [BackendType, string, string][] = [
  ['claude', '[claude] error: Invalid API key · Fix external API key (HTTP 401)', 'auth'],
  ['claude', '[claude] error: API Error: Request rejected (429) · Rate limited', 'rate-limit'],
  [
    'claude',
    '[claude] error: API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.',
    'service-error',
  ],
  [
    'claude',
    '[claude] error: API Error: Connection refused — a firewall or proxy may be blocking it (ECONNREFUSED)',
    'network',
  ],
  [
    'claude',
    '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons',
    'permission',
  ],
  [
    'claude',
    'Error: When using --print, --output-format=stream-json requires --verbose',
    'bad-command',
  ],
  [
    'codex',
    '[codex] error: unexpected status 401 Unauthorized: Incorrect API key provided: sk-scri**********test., url: http://127.0.0.1:1/v1/responses',
    'auth',
  ],
  [
    'codex',
    '[codex] error: exceeded retry limit, last status: 429 Too Many Requests',
    'rate-limit',
  ],
  [
    'codex',
    '[codex] error: We’re currently experiencing high demand, which may cause temporary errors.',
    'service-error',
  ],
  [
    'codex',
    '[codex] error: Reconnecting... waiting for network (Connection failed: error sending request)',
    'network',
  ],
  ['codex', "error: unexpected argument '--full-auto' found", 'bad-command'],
  [
    'codex',
    'Not inside a trusted directory and --skip-git-repo-check was not specified.',
    'permission',
  ],
  [
    'gemini',
    '[gemini] error: [API Error: {"error":{"code":401,"message":"API key not valid. Please pass a valid API key.","status":"UNAUTHENTICATED"}}]',
    'auth',
  ],
  [
    'gemini',
    '[gemini] error: [API Error: Resource has been exhausted (e.g. check quota).] ⏎ Please wait and try again later.',
    'rate-limit',
  ],
  [
    'gemini',
    '[gemini] error: [API Error: {"error":{"code":500,"message":"An internal error has occurred. Please retry or try again later.","status":"INTERNAL"}}]',
    'service-error',
  ],
  [
    'gemini',
    '[gemini] error: [API Error: exception TypeError: fetch failed sending request]',
    'network',
  ],
  [
    'gemini',
    'Gemini CLI is not running in a trusted directory. To proceed, either use `--skip-trust`, set the `GEMINI_CLI_TRUST_WORKSPACE=true` environment variable',
    'permission',
  ],
  [
    'opencode',
    '[opencode] error: APIError: Incorrect API key provided: sk-scri**********test. You can find your API key at https://platform.openai.com/account/api-keys.',
    'auth',
  ],
  [
    'opencode',
    'timestamp=2026-11-21T22:41:56.300Z level=ERROR message="stream error" error.error="AI_APICallError: Rate limit reached for requests. Please try again in 20s."',
    'rate-limit',
  ],
  [
    'opencode',
    'timestamp=2026-11-21T22:24:01.772Z level=ERROR message="stream error" error.error="AI_APICallError: The server had an error while processing your request. Sorry about that!"',
    'service-error',
  ],
  [
    'opencode',
    'timestamp=2026-11-21T22:24:01.772Z level=ERROR message="stream error" error.error="AI_APICallError: Cannot connect to API: Unable to connect. Is the computer able to access the url?"',
    'network',
  ],
  ['generic', 'sh: 1: mytool: not found', 'not-installed'],
];

describe('failure messages of the real CLIs', () => {
  it.each(OBSERVED)('%s: %s → %s', (type, line, kind) => {
    const cause = backendFor(type).classifyFailure(`--- agent-dispatch: attempt 1 ---\n${line}\n`);
    expect(cause?.kind).toBe(kind);
    expect(cause?.evidence).toBe(line.slice(0, 300));
    expect(cause?.label.length).toBeGreaterThan(0);
  });

  it('names the newest error, not an earlier warning', () => {
    const log = [
      '[codex] warning: Model metadata for `gpt-5-codex` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.',
      '[codex] error: We’re currently experiencing high demand, which may cause temporary errors.',
    ].join('\n');
    expect(backendFor('codex').classifyFailure(log)?.kind).toBe('service-error');
    // The metadata warning alone is no "model not available".
    expect(backendFor('codex').classifyFailure(log.split('\n')[0] as string)).toBeUndefined();
  });

  it("ignores a tool's output: a test printing 401 is not an authentication failure", () => {
    const log = [
      '→ Bash: npm test',
      '  ↳ expected 200, got 401 Unauthorized',
      '[claude] finished after 3 turns',
    ].join('\n');
    expect(backendFor('claude').classifyFailure(log)).toBeUndefined();
  });

  it('says how to allow Claude Code as root, without setting it', () => {
    const cause = backendFor('claude').classifyFailure(
      '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons',
    );
    expect(cause?.advice).toContain('IS_SANDBOX=1');
    expect(cause?.advice).toContain('never sets it');
  });

  it("names Claude Code's daemon failure as transient, and no other failure", () => {
    const claude = backendFor('claude');
    for (const line of [
      'Error: Claude Code daemon may be busy or unresponsive',
      "Couldn't start the daemon: daemon did not become reachable within 5s",
      'daemon exited before it became reachable (exit code 1, nothing on stderr)',
      'background service did not become reachable within 5s',
    ])
      expect(claude.classifyFailure(`--- agent-dispatch: attempt 1 ---\n${line}\n`)).toMatchObject({
        kind: 'daemon-busy',
        label: 'claude daemon busy',
        transient: true,
      });
    expect(claude.classifyFailure('[claude] error: Invalid API key')?.transient).toBeUndefined();
    // Another CLI's daemon (a tool's output, Docker) is not Claude Code's.
    expect(claude.classifyFailure('Error response from daemon: busy')?.kind).not.toBe(
      'daemon-busy',
    );
    expect(
      backendFor('codex').classifyFailure('daemon may be busy or unresponsive'),
    ).toBeUndefined();
  });
});

describe('the cause a CLI that keeps retrying reports', () => {
  it("is read from the newest of the CLI's own error lines, never from tool output", () => {
    const opencode = backendFor('opencode');
    const lines = [
      'ERROR 2026-01-02 service=llm error="Incorrect API key provided"',
      '  ↳ HTTP 429 from the test server',
      'timestamp=2026-01-02T10:00:00Z level=ERROR message="stream error" error="Rate limit reached"',
      'Thinking about the next step',
    ];
    expect(classifyRetrying(opencode, lines)).toMatchObject({ kind: 'rate-limit' });
    expect(classifyRetrying(opencode, lines.slice(0, 2))).toMatchObject({ kind: 'auth' });
    expect(classifyRetrying(opencode, ['  ↳ 401 Unauthorized', 'working'])).toBeUndefined();
  });
});
