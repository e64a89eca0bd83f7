import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OperationContext } from '../operations/operation-context.js';

/** What every command needs: the operations' context (where the tasks are), and where to print. */
export class CliContext {
  readonly ops: OperationContext;
  /**
   * Set by a command whose work is over once its action returns but that holds resources whose
   * orderly release only delays the exit (`dispatch wait` over a thousand watched task folders):
   * the program then exits as soon as its output is written.
   */
  exitWhenDone = false;

  constructor(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env) {
    this.ops = new OperationContext({
      cwd,
      env,
      by: 'cli',
      // Tasks found in a parent folder are easy to mistake for this folder's: say whose they are.
      onRoot: (root) => {
        if (!env.DISPATCH_ROOT && dirname(root) !== resolve(cwd))
          this.err(`dispatch: using ${root}`);
      },
    });
  }

  get cwd(): string {
    return this.ops.cwd;
  }

  get env(): NodeJS.ProcessEnv {
    return this.ops.env;
  }

  out(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }
}

/** Text from arguments, or from standard input when the only argument is "-". */
export function textArgument(words: string[]): string {
  if (words.length === 1 && words[0] === '-') return readFileSync(0, 'utf8');
  return words.join(' ');
}

/** A whole number from a flag, as the operation's field; anything else is left for it to refuse. */
export function numberFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value.trim() === '' ? Number.NaN : Number(value);
}
