import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Every kind of broken config, under every kind of command that reads it: each exits 5 (the
 * documented config error) and names the file, and the line where the problem has one.
 */
interface BrokenConfig {
  name: string;
  /** Writes the broken config; returns the path the message must name. */
  write: (sandbox: Sandbox) => string;
  line?: number;
  /** Extra environment (DISPATCH_CONFIG). */
  env?: (sandbox: Sandbox) => NodeJS.ProcessEnv;
  skip?: string;
}

const text =
  (content: string | Buffer): BrokenConfig['write'] =>
  (sandbox) => {
    const file = sandbox.writeConfig('');
    writeFileSync(file, content);
    return file;
  };

const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
for (const [name, previous] of [
  ['b', 'a'],
  ['c', 'b'],
  ['d', 'c'],
  ['e', 'd'],
  ['f', 'e'],
  ['g', 'f'],
  ['h', 'g'],
  ['i', 'h'],
])
  bomb.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);

const isRoot = process.getuid?.() === 0;

const BROKEN: BrokenConfig[] = [
  {
    name: 'a bracket never closed',
    write: text('default: sim\nbackends:\n  a: [x,\n  y\nmodels: {}\n'),
    line: 3,
  },
  {
    name: 'a brace never closed',
    write: text('default: sim\nmodels: {a: 1,\n  b: 2\nx: 1\n'),
    line: 2,
  },
  {
    name: 'a double quote never closed',
    write: text('default: sim\nbackends:\n  claude:\n    command: "claude -p\nmodels: {}\n'),
    line: 4,
  },
  { name: 'a single quote never closed', write: text("default: 'sim\nmodels: {}\n"), line: 1 },
  { name: 'a tab as indentation', write: text('default: sim\nbackends:\n\tclaude: x\n'), line: 3 },
  {
    name: 'an unquoted ": " in a command',
    write: text('default: sim\nbackends:\n  a: claude -p --flag: x\n'),
    line: 3,
  },
  { name: 'two documents', write: text('default: sim\n---\ndefault: sim\n'), line: 2 },
  {
    name: 'a duplicate key',
    write: text('default: sim\nmax_parallel: 1\nmax_parallel: 2\n'),
    line: 3,
  },
  {
    name: 'a value of the wrong type',
    write: text('default: sim\ntimeout_minutes: soon\n'),
    line: 2,
  },
  { name: 'an unknown key', write: text('default: sim\nmax_paralel: 2\n'), line: 2 },
  {
    name: 'a model on an unknown backend',
    write: text('default: sim\nmodels:\n  opus: { backend: nowhere }\n'),
    line: 3,
  },
  {
    name: 'an alias to a missing model',
    write: text('default: sim\naliases:\n  fast: nomodel\n'),
    line: 3,
  },
  { name: 'a default that is not configured', write: text('default: nomodel\n'), line: 1 },
  { name: 'a list at the top level', write: text('- default\n- sim\n'), line: 1 },
  { name: 'a number where a count must be at least 1', write: text('max_parallel: 0\n'), line: 1 },
  { name: 'a YAML alias that is never defined', write: text('default: *nothing\n') },
  { name: 'an alias bomb', write: text(bomb.join('\n') + '\n') },
  {
    name: 'bytes that are not UTF-8 (Latin-1)',
    write: text(Buffer.from('default: sim\n# caf\xe9\n', 'latin1')),
    line: 2,
  },
  { name: 'a NUL byte', write: text(Buffer.from('default: sim\0\n', 'latin1')), line: 1 },
  {
    name: 'a folder instead of a file',
    write: (sandbox) => {
      const file = sandbox.writeConfig('');
      rmSync(file);
      mkdirSync(file);
      return file;
    },
  },
  {
    name: 'a symlink that loops',
    write: (sandbox) => {
      const file = sandbox.writeConfig('');
      rmSync(file);
      symlinkSync(file, file);
      return file;
    },
  },
  {
    name: 'a file that cannot be read',
    write: (sandbox) => {
      const file = sandbox.writeConfig('default: sim\n');
      chmodSync(file, 0o000);
      return file;
    },
    skip: isRoot ? 'root reads a file whatever its mode' : undefined,
  },
  {
    name: 'DISPATCH_CONFIG naming a file that does not exist',
    write: (sandbox) => join(sandbox.dir, 'missing.yaml'),
    env: (sandbox) => ({ DISPATCH_CONFIG: join(sandbox.dir, 'missing.yaml') }),
  },
];

const COMMANDS: { name: string; args: string[] }[] = [
  { name: 'run', args: ['run', '--item', 'x'] },
  { name: 'bare dispatch', args: [] },
  { name: 'doctor', args: ['doctor'] },
];

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.cleanup());

describe('a broken config', () => {
  for (const broken of BROKEN) {
    it.skipIf(broken.skip !== undefined)(
      `${broken.name}: every command exits 5 and names the file${broken.line ? ' and line' : ''}`,
      async () => {
        sandbox = new Sandbox();
        const file = broken.write(sandbox);
        const env = broken.env?.(sandbox) ?? {};
        const results = await Promise.all(
          COMMANDS.map(async (command) => ({
            command: command.name,
            ...(await sandbox!.cli(command.args, { env })),
          })),
        );
        for (const result of results) {
          const output = `${result.stderr}${result.stdout}`;
          const context = `${result.command}:\n${output}`;
          expect(result.code, context).toBe(5);
          expect(output, context).toContain(file);
          if (broken.line) expect(output, context).toContain(`${file}:${broken.line}:`);
          expect(output, context).not.toMatch(/internal error|\n\s+at /);
          // The subject follows the location ("file:3:7: not valid YAML"), never a blank.
          expect(output, context).not.toMatch(/:\d+:\s\s/);
        }
        expect(sandbox.taskIds()).toEqual([]);
      },
    );
  }

  it('a YAML error names where the bracket opened and where the parser stopped', async () => {
    sandbox = new Sandbox();
    const file = sandbox.writeConfig('default: sim\nbackends:\n  a: [x,\n  y\nmodels: {}\n');
    const result = await sandbox.cli(['run', '--item', 'x']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(
      `${file}:3:6: not valid YAML: the [ opened at line 3, column 6 is not closed (the parser stopped at line 4, column 3`,
    );
  });
});
