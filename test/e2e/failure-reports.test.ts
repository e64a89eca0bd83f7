import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '1000' });
});
afterEach(() => sandbox.cleanup());

describe('every way of asking reports a failed task alike', () => {
  it('dispatch wait names the cause and the alternatives of a timed-out worker, as dispatch status does', async () => {
    // A CLI that keeps retrying a refused service until the inactivity timeout stops it.
    const cli = join(sandbox.project, 'retrying-cli.sh');
    writeFileSync(
      cli,
      '#!/bin/sh\necho "Error: Rate limit reached for requests (429)"\nexec sleep 600\n',
    );
    chmodSync(cli, 0o755);
    sandbox.writeConfig(
      [
        'default: retrying',
        'timeout_minutes: 0.02',
        'stop_on_timeout: true',
        'backends:',
        `  retrying: { command: ${JSON.stringify(cli)} }`,
        'models:',
        '  retrying: {}',
        '',
      ].join('\n'),
    );
    const run = await sandbox.run(['--item', 'x']);
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '20', '--json']);
    expect(waited.code).toBe(3);
    const [reported] = JSON.parse(waited.stdout).tasks;
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('timed-out');
    expect(status.cause).toMatchObject({ kind: 'rate-limit' });
    expect(reported).toMatchObject({ state: 'timed-out', cause: status.cause });
    expect(reported.alternatives).toEqual(status.alternatives);
    const human = await sandbox.cli(['wait', run.id, '--timeout', '20']);
    expect(human.stdout).toContain('cause: rate limit or quota');
  });
});
