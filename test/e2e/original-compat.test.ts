import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

/** A task folder exactly as the original prompt-only dispatcher leaves it: no task.json, no events. */
function originalTask(id: string, plan: string, ipc: Record<string, string> = {}): string {
  const dir = join(sandbox.root, 'tasks', id);
  mkdirSync(join(dir, 'ipc'), { recursive: true });
  writeFileSync(join(dir, 'plan.md'), plan);
  for (const [name, text] of Object.entries(ipc)) writeFileSync(join(dir, 'ipc', name), text);
  return dir;
}

describe('a .dispatch/ folder written by the original dispatcher', () => {
  it('is read: progress, questions, completion', async () => {
    const plan =
      '# Security Review\n\n- [x] Scan for hardcoded secrets\n- [x] Review authentication logic\n- [ ] Check session management\n- [ ] Write findings report\n\n> **Note from dispatcher:** The admin panel uses legacy-auth.js, not auth.ts.\n';
    originalTask('security-review', plan, {
      '001.question': 'Review auth.ts or legacy-auth.ts?\n',
    });
    originalTask('update-deps', '# Update deps\n\n- [x] Bump\n- [x] Test\n', { '.done': '' });

    const list = JSON.parse((await sandbox.cli(['list', '--json'])).stdout) as {
      id: string;
      question: unknown;
    }[];
    const review = list.find((t) => t.id === 'security-review');
    expect(review).toMatchObject({
      state: 'waiting',
      legacy: true,
      progress: { done: 2, total: 4, current: 'Check session management' },
    });
    expect(review?.question).toMatchObject({ seq: 1, text: 'Review auth.ts or legacy-auth.ts?' });
    expect(list.find((t) => t.id === 'update-deps')).toMatchObject({ state: 'done', legacy: true });

    const waited = await sandbox.cli(['wait', 'security-review', '--timeout', '10']);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain('Review auth.ts or legacy-auth.ts?');

    const answered = await sandbox.cli(['answer', 'security-review', 'Both']);
    expect(answered.code).toBe(0);
    expect(
      readFileSync(join(sandbox.root, 'tasks', 'security-review', 'ipc', '001.answer'), 'utf8'),
    ).toBe('Both\n');
    const noted = await sandbox.cli(['note', 'security-review', 'Also check the cookie flags']);
    expect(noted.code).toBe(0);
    const text = readFileSync(join(sandbox.root, 'tasks', 'security-review', 'plan.md'), 'utf8');
    expect(text.startsWith(plan)).toBe(true);
    expect(text).toContain('> **Note from dispatcher:** Also check the cookie flags');
  });
});
