import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
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

/** A stand-in `claude` on PATH: a shell script of our own, run by the start probe. */
function standIn(script: string): string {
  const bin = join(sandbox.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const file = join(bin, 'claude');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  sandbox.env.PATH = `${bin}:${sandbox.env.PATH ?? ''}`;
  return file;
}

const STAND_IN_CONFIG = `default: c\nbackends:\n  c: { command: "env IS_SANDBOX=1 ${CLAUDE}" }\nmodels:\n  c: {}\n`;
const LOGGED_IN = `echo '{"loggedIn": true, "authMethod": "api_key", "apiProvider": "firstParty"}'`;

describe('a CLI that will not start although it is on PATH', () => {
  it('exits at once: doctor and the warm-up say so within seconds, and the verdict is cached', async () => {
    const file = sandbox.writeConfig(STAND_IN_CONFIG);
    standIn(`echo "claude: cannot load its bundle ($*)" >&2; exit 3`);
    const started = Date.now();
    const doctor = await sandbox.cli(['doctor']);
    const seconds = (Date.now() - started) / 1000;
    console.info(`doctor with a CLI that exits at once: ${seconds.toFixed(1)} s`);
    expect(doctor.code, doctor.stdout).toBe(8);
    expect(doctor.stdout).toContain(
      'the command exits at once (status 3: claude: cannot load its bundle (-p --dangerously-skip-permissions --version)), so c will not start',
    );
    expect(doctor.stdout).toContain(`fix backends.c.command in ${file}`);
    expect(seconds).toBeLessThan(10);
    const cache = join(sandbox.home, '.dispatch', 'cache', 'start-probes.json');
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    // Keyed by a hash: no command line or variable (a key may be among them) in clear.
    const entries = JSON.parse(readFileSync(cache, 'utf8')).entries as Record<string, unknown>;
    expect(Object.keys(entries)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    const warmup = await sandbox.cli([]);
    expect(warmup.stdout).toMatch(/ c +c +will not start: the command exits at once \(status 3/);
  });

  it('is ready again as soon as the program is fixed (a new mtime misses the cache)', async () => {
    sandbox.writeConfig(STAND_IN_CONFIG);
    const program = standIn('exit 3');
    expect((await sandbox.cli(['doctor'])).stdout).toContain('exits at once (status 3)');
    writeFileSync(program, `#!/bin/sh\n[ "$1" = auth ] && ${LOGGED_IN}\necho 2.1.0\n`);
    const later = new Date(Date.now() + 5000);
    utimesSync(program, later, later);
    const doctor = await sandbox.cli(['doctor']);
    expect(doctor.stdout).toMatch(/✓ backend c: will start at \S+\/claude/);
    expect(doctor.code).toBe(0);
  });

  it('is not logged in: `claude auth status` says so, and doctor and the warm-up report it', async () => {
    sandbox.writeConfig(STAND_IN_CONFIG);
    standIn(
      `[ "$1" = auth ] && { echo '{"loggedIn": false, "authMethod": "none", "apiProvider": "firstParty"}'; exit 1; }\necho 2.1.0`,
    );
    const doctor = await sandbox.cli(['doctor']);
    expect(doctor.code).toBe(8);
    expect(doctor.stdout).toContain(
      'Claude Code is not logged in (`claude auth status` says loggedIn: false), so c will not start',
    );
    expect(doctor.stdout).toContain('set ANTHROPIC_API_KEY');
    expect((await sandbox.cli([])).stdout).toMatch(
      / c +c +will not start: Claude Code is not logged in/,
    );
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
    const env = { IS_SANDBOX: '1', ANTHROPIC_API_KEY: 'sk-ant-unused' };
    const doctor = await sandbox.cli(['doctor'], { env });
    expect(doctor.stdout).toMatch(/✓ backend c: will start at \S+\/claude \(models: c\)/);
    expect(doctor.code).toBe(0);
    const warmup = await sandbox.cli([], { env });
    expect(warmup.stdout).toMatch(/ c +c +ready \(default\)/);
    const cache = join(sandbox.home, '.dispatch', 'cache', 'start-checks.json');
    expect(existsSync(cache)).toBe(true);
    expect(statSync(cache).mode & 0o777).toBe(0o600);
  });
});

describe.skipIf(!AGENT_BIN)('the real Claude Code CLI, not logged in', () => {
  it('is "will not start" in doctor and the warm-up, and ready with a key', async () => {
    // A home without a login, and no key in the environment.
    delete sandbox.env.ANTHROPIC_API_KEY;
    sandbox.writeConfig(
      `default: c\nbackends:\n  c: { command: "env IS_SANDBOX=1 ${CLAUDE}" }\nmodels:\n  c: {}\n`,
    );
    const started = Date.now();
    const doctor = await sandbox.cli(['doctor']);
    console.info(`doctor probing the real claude: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(doctor.code, doctor.stdout).toBe(8);
    expect(doctor.stdout).toContain('Claude Code is not logged in');
    const again = Date.now();
    expect((await sandbox.cli([])).stdout).toMatch(
      / c +c +will not start: Claude Code is not logged in/,
    );
    console.info(`warm-up from the cache: ${((Date.now() - again) / 1000).toFixed(1)} s`);
    const keyed = await sandbox.cli(['doctor'], { env: { ANTHROPIC_API_KEY: 'sk-ant-unused' } });
    expect(keyed.stdout).toMatch(/✓ backend c: will start at \S+\/claude/);
    expect(keyed.code).toBe(0);
  });
});
