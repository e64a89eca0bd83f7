import type { ParsedCommand } from './backend.js';

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * Splits a configured command into its `env` prefix, variable assignments, program and
 * arguments, for checks only: words split on blanks, surrounding quotes removed. The command
 * itself is always run by sh as written.
 */
export function parseCommand(command: string): ParsedCommand {
  const words = (command.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote);
  const assignments: Record<string, string> = {};
  let i = 0;
  const assign = (word: string) => {
    const match = ASSIGNMENT.exec(word);
    if (match) assignments[match[1] as string] = match[2] as string;
    return match !== null;
  };
  while (i < words.length && assign(words[i] as string)) i++;
  if (/(^|\/)env$/.test(words[i] ?? '')) {
    i++;
    while (i < words.length) {
      const word = words[i] as string;
      if (word === '-u' || word === '--unset') i += 2;
      else if (word.startsWith('-') || assign(word)) i++;
      else break;
    }
  }
  return { program: words[i], assignments, args: words.slice(i + 1) };
}

function unquote(word: string): string {
  return /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word;
}

/** Whether the arguments contain an option, as `--name`, `--name=value` or one of its aliases. */
export function hasOption(args: readonly string[], ...names: string[]): boolean {
  return args.some((arg) => names.some((name) => arg === name || arg.startsWith(`${name}=`)));
}

/** The value given to an option (`--name value` or `--name=value`), if any. */
export function optionValue(args: readonly string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    for (const name of names) {
      if (arg === name) return args[i + 1];
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    }
  }
  return undefined;
}
