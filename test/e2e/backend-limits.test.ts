import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';

/** A stand-in `claude` that works a while and records when it ran (fake-claude-daemon-busy.mjs). */
const FAKE = fileURLToPath(new URL('../fixtures/fake-claude-daemon-busy.mjs', import.meta.url));

let sandbox: Sandbox;
let bin: string;
afterEach(() => {
  sandbox.cleanup();
  rmSync(bin, { recursive: true, force: true });
});

/** The most spans that overlap at one moment. */
function mostAtOnce(spans: { started: number; ended: number }[]): number {
  const edges = spans.flatMap((s) => [
    { at: s.started, step: 1 },
    { at: s.ended, step: -1 },
  ]);
  // An end and a start at the same millisecond do not overlap.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.step;
    most = Math.max(most, now);
  }
  return most;
}

describe('a claude backend without max_parallel', () => {
  it('runs at most 3 of its workers at once', async () => {
    bin = mkdtempSync(join(tmpdir(), 'dispatch-fake-claude-'));
    symlinkSync(FAKE, join(bin, 'claude'));
    sandbox = new Sandbox({
      PATH: [bin, process.env.PATH].join(delimiter),
      FAKE_CLAUDE_RUNS: join(bin, 'runs.jsonl'),
      FAKE_CLAUDE_FAILURES: '0',
      FAKE_CLAUDE_HOLD_MS: '3000',
      FAKE_CLAUDE_SPANS: join(bin, 'spans.jsonl'),
    });
    sandbox.writeConfig(
      [
        'default: sonnet',
        'backends:',
        '  claude: claude -p',
        'models:',
        '  sonnet: { backend: claude }',
        '',
      ].join('\n'),
    );
    const shown = await sandbox.cli(['config', 'show']);
    expect(shown.stdout).toContain('max_parallel 3 (default for claude backends)');
    const runs = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => sandbox.run(['--title', `Task ${i}`, '--item', 'Work'])),
    );
    const ids = runs.map((run) => run.id);
    await sandbox.waitForDone(ids, 60_000);
    const spans = readFileSync(join(bin, 'spans.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { started: number; ended: number });
    expect(spans).toHaveLength(5);
    expect(mostAtOnce(spans)).toBeLessThanOrEqual(3);
    // The limit is what held them back, not a slow start: three ran together.
    expect(mostAtOnce(spans)).toBe(3);
  }, 90_000);
});
