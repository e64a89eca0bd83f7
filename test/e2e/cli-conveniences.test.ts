import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { CLI, REPO_ROOT } from '../helpers/run-cli.js';
import { Tmux } from '../helpers/tmux.js';

/** Whether a shell is installed: zsh and fish are optional (bash is always there). */
const installed = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

const VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

let sandbox: Sandbox;
let tmux: Tmux | undefined;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  sandbox.cleanup();
});

/** A folder with `dispatch` in it, to put on PATH as an installed copy would be. */
function dispatchOnPath(): string {
  const bin = join(sandbox.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'dispatch'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
  );
  chmodSync(join(bin, 'dispatch'), 0o755);
  return bin;
}

describe('help and version as people type them', () => {
  it('prints the version for -v, -V, --version and `dispatch version`', async () => {
    for (const args of [['-v'], ['-V'], ['--version'], ['version']]) {
      const result = await sandbox.cli(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toBe(`${VERSION}\n`);
    }
  });

  it('`dispatch help` lists the commands, `dispatch help COMMAND` is that command’s --help', async () => {
    const list = await sandbox.cli(['help']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ {2}completion /m);
    expect(list.stdout).toMatch(/^ {2}help \[command\]/m);
    for (const command of ['run', 'wait', 'ls']) {
      const help = await sandbox.cli(['help', command]);
      const flag = await sandbox.cli([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toBe(flag.stdout);
      expect(help.stdout, command).toMatch(/^Usage: dispatch (run|wait|list)/);
    }
  });

  it('refuses help for a command that does not exist, naming the closest one', async () => {
    const result = await sandbox.cli(['help', 'wiat']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown command "wiat"');
    expect(result.stderr).toContain('Did you mean `dispatch wait`?');
    expect((await sandbox.cli(['hlep'])).stderr).toContain('Did you mean `dispatch help`?');
  });
});

describe('dispatch completion', () => {
  /** What bash offers for these words (the last one being completed), through the real script. */
  function bashCompletes(script: string, words: string[]): string[] {
    const result = spawnSync(
      'bash',
      [
        '-c',
        'eval "$SCRIPT"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dispatch_complete; printf "%s\\n" "${COMPREPLY[@]}"',
        'bash',
        CLI,
        ...words,
      ],
      {
        cwd: sandbox.project,
        env: { ...sandbox.env, SCRIPT: script },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.split('\n').filter(Boolean).sort();
  }

  it('completes commands, options, subcommands and task ids in bash', async () => {
    await sandbox.run(['--model', 'sim', '--id', 'review-auth', '--item', 'Look']);
    await sandbox.run(['--model', 'sim', '--id', 'refactor-db', '--item', 'Look']);
    const script = await sandbox.cli(['completion', 'bash']);
    expect(script.code, script.stderr).toBe(0);
    const completes = (words: string[]) => bashCompletes(script.stdout, words);
    expect(completes(['st'])).toEqual(['status']);
    expect(completes(['he'])).toEqual(['help']);
    expect(completes(['retry', '--m'])).toEqual(['--model']);
    expect(completes(['config', 's'])).toEqual(['set-default', 'show']);
    expect(completes(['completion', ''])).toEqual(['bash', 'fish', 'zsh']);
    expect(completes(['status', 're'])).toEqual(['refactor-db', 'review-auth']);
    expect(completes(['wait', 'review-auth', 'ref'])).toEqual(['refactor-db']);
    // A single id is taken; what follows is the answer's text, not another id.
    expect(completes(['answer', 'review-auth', 're'])).toEqual([]);
    expect(completes(['run', 're'])).toEqual([]);
  });

  it('prints zsh and fish scripts with every command, and refuses another shell', async () => {
    const zsh = await sandbox.cli(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -F _dispatch_complete dispatch');
    const fish = await sandbox.cli(['completion', 'fish']);
    expect(fish.code).toBe(0);
    for (const command of ['run', 'wait', 'answer', 'completion'])
      expect(fish.stdout).toContain(`-n __fish_use_subcommand -a ${command} -d '`);
    expect(fish.stdout).toContain(
      "complete -c dispatch -n '__fish_seen_subcommand_from retry' -l model",
    );
    const other = await sandbox.cli(['completion', 'powershell']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('no completion for the shell "powershell"');
    expect(other.stderr).toContain('dispatch completion bash');
  });

  it.skipIf(!installed('fish'))('completes task ids and options in fish', async () => {
    await sandbox.run(['--model', 'sim', '--id', 'review-auth', '--item', 'Look']);
    const script = await sandbox.cli(['completion', 'fish']);
    writeFileSync(join(sandbox.dir, 'dispatch.fish'), script.stdout);
    const env = { ...sandbox.env, PATH: `${dispatchOnPath()}:${sandbox.env.PATH ?? ''}` };
    const complete = (line: string) =>
      spawnSync(
        'fish',
        ['-c', `source ${join(sandbox.dir, 'dispatch.fish')}; complete -C '${line}'`],
        {
          cwd: sandbox.project,
          env,
          encoding: 'utf8',
          timeout: 20_000,
        },
      )
        .stdout.split('\n')
        .filter(Boolean)
        .map((entry) => entry.split('\t')[0]);
    expect(complete('dispatch sta')).toEqual(['status']);
    expect(complete('dispatch retry --mo')).toEqual(['--model']);
    expect(complete('dispatch show rev')).toEqual(['review-auth']);
  });

  it.skipIf(!installed('zsh'))('completes a command and a task id in zsh', async () => {
    await sandbox.run(['--model', 'sim', '--id', 'review-auth', '--item', 'Look']);
    const script = await sandbox.cli(['completion', 'zsh']);
    writeFileSync(join(sandbox.dir, 'dispatch.zsh'), script.stdout);
    tmux = new Tmux(sandbox.dir, {
      ...sandbox.env,
      PATH: `${dispatchOnPath()}:${sandbox.env.PATH ?? ''}`,
    });
    tmux.start('zsh', ['zsh', '-f'], { cwd: sandbox.project, width: 100, height: 10 });
    tmux.type('zsh', `source ${join(sandbox.dir, 'dispatch.zsh')}; echo loaded`);
    tmux.keys('zsh', 'Enter');
    await tmux.waitForScreen('zsh', /^loaded$/m);
    tmux.type('zsh', 'dispatch sta');
    tmux.keys('zsh', 'Tab');
    await tmux.waitForScreen('zsh', /dispatch status\s*$/m);
    tmux.type('zsh', 'rev');
    tmux.keys('zsh', 'Tab');
    await tmux.waitForScreen('zsh', /dispatch status review-auth\s*$/m);
  });
});
