import { isAbsolute } from 'node:path';

/**
 * The scripted behaviour of a plan item, read from the start of its text. A directive is a
 * keyword followed by the end of the text or a colon, so ordinary items such as "Crash test the
 * parser" stay ordinary work. Pure: no file or process access, so it is unit-tested directly.
 */
export type Directive =
  | { kind: 'ask'; question: string }
  | { kind: 'ask-cli'; question: string }
  | { kind: 'fail'; reason: string }
  | { kind: 'crash'; code: number }
  | { kind: 'hang' }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'write'; path: string; content: string }
  /**
   * `write-fix: <path> = <first> | <fixed>`: writes the first content, and the fixed one once the
   * worker has been sent back by a failed verify command (docs/verify.md).
   */
  | { kind: 'write-fix'; path: string; first: string; fixed: string }
  /**
   * `usage: <tokens> tokens[, <cost> USD]`: reports that much usage, as a real CLI reports a
   * step's (docs/simulated-worker.md); no cost given means the step has no price.
   */
  | { kind: 'usage'; tokens: number; costUsd: number | undefined }
  | { kind: 'expand' }
  | { kind: 'work' }
  /** A directive keyword with an argument the simulation cannot use; the item gets `[!]`. */
  | { kind: 'invalid'; reason: string };

export const DEFAULT_CRASH_CODE = 3;

const KEYWORD =
  /^(ask-cli|ask|fail|crash|hang|sleep|write-fix|write|usage)[ \t]*(?::[ \t]*([\s\S]*))?$/i;
const EXPAND = /^expand this plan\b/i;
const NUMBER = /^(\d+(?:\.\d*)?|\.\d+)$/;

export function parseDirective(text: string): Directive {
  const trimmed = text.trim();
  if (EXPAND.test(trimmed)) return { kind: 'expand' };
  const match = KEYWORD.exec(trimmed);
  if (!match) return { kind: 'work' };
  const keyword = (match[1] ?? '').toLowerCase();
  const argument = (match[2] ?? '').trim();
  switch (keyword) {
    case 'ask':
    case 'ask-cli':
      if (!argument) return { kind: 'invalid', reason: `"${keyword}:" needs a question` };
      return { kind: keyword, question: argument };
    case 'fail':
      return { kind: 'fail', reason: argument || 'scripted failure' };
    case 'crash':
      return parseCrash(argument);
    case 'hang':
      return { kind: 'hang' };
    case 'sleep':
      if (!NUMBER.test(argument))
        return { kind: 'invalid', reason: `"sleep:" needs a number of seconds, got "${argument}"` };
      return { kind: 'sleep', seconds: Number(argument) };
    case 'write-fix':
      return parseWriteFix(argument);
    case 'usage':
      return parseUsage(argument);
    default:
      return parseWrite(argument);
  }
}

function parseCrash(argument: string): Directive {
  if (!argument) return { kind: 'crash', code: DEFAULT_CRASH_CODE };
  const code = Number(argument);
  if (!/^\d{1,3}$/.test(argument) || code > 255) {
    return {
      kind: 'invalid',
      reason: `"crash:" needs an exit code from 0 to 255, got "${argument}"`,
    };
  }
  return { kind: 'crash', code };
}

function parseWrite(argument: string): Directive {
  const equals = argument.indexOf('=');
  if (equals < 0)
    return { kind: 'invalid', reason: '"write:" needs "<relative path> = <content>"' };
  const path = argument.slice(0, equals).trim();
  const content = argument.slice(equals + 1).trim();
  const problem = relativePathProblem(path);
  if (problem) return { kind: 'invalid', reason: problem };
  return { kind: 'write', path, content };
}

const USAGE = /^(\d{1,12})\s*tokens?\s*(?:,\s*(\d+(?:\.\d+)?)\s*usd)?$/i;

function parseUsage(argument: string): Directive {
  const match = USAGE.exec(argument);
  if (!match)
    return {
      kind: 'invalid',
      reason: `"usage:" needs "<tokens> tokens" or "<tokens> tokens, <cost> USD", got "${argument}"`,
    };
  return {
    kind: 'usage',
    tokens: Number(match[1]),
    costUsd: match[2] === undefined ? undefined : Number(match[2]),
  };
}

function parseWriteFix(argument: string): Directive {
  const write = parseWrite(argument);
  if (write.kind !== 'write') return write;
  const bar = write.content.indexOf('|');
  if (bar < 0)
    return { kind: 'invalid', reason: '"write-fix:" needs "<relative path> = <first> | <fixed>"' };
  return {
    kind: 'write-fix',
    path: write.path,
    first: write.content.slice(0, bar).trim(),
    fixed: write.content.slice(bar + 1).trim(),
  };
}

/** Why a `write:` path may not be used: only paths inside the working folder are allowed. */
export function relativePathProblem(path: string): string | undefined {
  if (!path) return '"write:" needs a path before "="';
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path) || path.startsWith('\\')) {
    return `"write:" path must be relative to the working folder, got "${path}"`;
  }
  if (path.split(/[\\/]/).includes('..'))
    return `"write:" path must not contain "..", got "${path}"`;
  return undefined;
}
