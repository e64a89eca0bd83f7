import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_BIN, SKIP_REASON, agentPath } from '../model-servers/agent-clis.js';
import { Sandbox } from '../helpers/sandbox.js';

const isRoot = process.getuid?.() === 0;
const CLAUDE = 'claude -p --dangerously-skip-permissions';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ PATH: agentPath() });
  delete sandbox.env.IS_SANDBOX;
  delete sandbox.env.CLAUDE_CODE_BUBBLEWRAP;
});
afterEach(() => sandbox.cleanup());

describe('a broken command line', () => {
  it('is a doctor problem naming the program, the config key and file, and the warm-up says so', async () => {
    const file = sandbox.writeConfig(
      'default: ghost\nbackends:\n  ghost: { command: "no-such-agent-cli -p" }\nmodels:\n  ghost: {}\n',
    );
    const doctor = await sandbox.cli(['doctor']);
    expect(doctor.code).toBe(8);
    expect(doctor.stdout).toContain('`no-such-agent-cli` is not on PATH, so ghost will not start');
    expect(doctor.stdout).toContain(`fix backends.ghost.command in ${file}`);
    expect(doctor.stdout).not.toContain('All good');
    const warmup = await sandbox.cli([]);
    expect(warmup.stdout).toMatch(
      /ghost +ghost +will not start: `no-such-agent-cli` is not on PATH/,
    );
  });

  it('reads a program named by a variable from the environment', async () => {
    sandbox.writeConfig(
      'default: ghost\nbackends:\n  ghost: { command: "$AGENT_CLI -p" }\nmodels:\n  ghost: {}\n',
    );
    const unset = await sandbox.cli(['doctor']);
    expect(unset.stdout).toContain('`$AGENT_CLI` is not on PATH, so ghost will not start');
    const set = await sandbox.cli(['doctor'], { env: { AGENT_CLI: 'true' } });
    expect(set.stdout).toMatch(/✓ backend ghost: will start at \S+\/true \(models: ghost\)/);
  });
});

if (!AGENT_BIN) console.warn(`start-checks: Claude Code case skipped, ${SKIP_REASON}`);

describe.skipIf(!AGENT_BIN || !isRoot)('Claude Code as root', () => {
  beforeEach(() => {
    sandbox.writeConfig(`default: c\nbackends:\n  c: { command: ${CLAUDE} }\nmodels:\n  c: {}\n`);
  });

  it('really refuses to start without IS_SANDBOX=1 (the rule the check follows)', () => {
    const run = spawnSync('sh', ['-c', CLAUDE], {
      env: {
        ...sandbox.env,
        ANTHROPIC_API_KEY: 'unused',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      },
      input: 'hello',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--dangerously-skip-permissions cannot be used with root');
  });

  it('is a doctor problem and "will not start" in the warm-up without IS_SANDBOX=1', async () => {
    const doctor = await sandbox.cli(['doctor']);
    expect(doctor.code).toBe(8);
    expect(doctor.stdout).toContain(
      'running as root: Claude Code refuses --dangerously-skip-permissions unless IS_SANDBOX=1 is set, so c will not start',
    );
    expect(doctor.stdout).toContain('Run with IS_SANDBOX=1 in the environment');
    const warmup = await sandbox.cli([]);
    expect(warmup.stdout).toMatch(/ c +c +will not start: running as root/);
  });

  it('is ready with IS_SANDBOX=1, and the check is cached per command line', async () => {
    const doctor = await sandbox.cli(['doctor'], { env: { IS_SANDBOX: '1' } });
    expect(doctor.stdout).toMatch(/✓ backend c: will start at \S+\/claude \(models: c\)/);
    expect(doctor.code).toBe(0);
    const warmup = await sandbox.cli([], { env: { IS_SANDBOX: '1' } });
    expect(warmup.stdout).toMatch(/ c +c +ready \(default\)/);
    const cache = join(sandbox.home, '.dispatch', 'cache', 'start-checks.json');
    expect(existsSync(cache)).toBe(true);
    expect(statSync(cache).mode & 0o777).toBe(0o600);
  });
});
