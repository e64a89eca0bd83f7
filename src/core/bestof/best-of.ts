import { DispatchError } from '../errors.js';
import type { BestOfInfo } from '../task/task-meta.js';

/** The most runs one `--best-of` starts: each is a worker and a worktree of its own. */
export const MAX_BEST_OF = 10;

/** The id of a group's run number `index`: `fix-parser` → `fix-parser.2`. */
export function childId(group: string, index: number): string {
  return `${group}.${index}`;
}

/** The run number in `id` when it is `<group>.<n>`, else undefined. */
export function childIndex(group: string, id: string): number | undefined {
  if (!id.startsWith(`${group}.`)) return undefined;
  const rest = id.slice(group.length + 1);
  return /^[1-9]\d{0,2}$/.test(rest) ? Number(rest) : undefined;
}

/**
 * The model of each of the `n` runs: `models` in order, cycled when fewer than `n` are given
 * (`--best-of 4 --models a,b` runs a, b, a, b); every run on `model` (or the default, undefined)
 * when none are. More names than runs is an error, as it surely is a mistake.
 */
export function bestOfModels(
  n: number,
  models: readonly string[] | undefined,
  model: string | undefined,
): (string | undefined)[] {
  if (!Number.isInteger(n) || n < 2 || n > MAX_BEST_OF)
    throw new DispatchError(
      'usage',
      `--best-of takes a whole number from 2 to ${MAX_BEST_OF}, got ${String(n)}`,
      { hint: 'Example: dispatch run --best-of 3 --models sonnet,codex "Fix the parser"' },
    );
  const names = (models ?? []).map((name) => name.trim());
  if (names.length === 0) return Array.from({ length: n }, () => model);
  if (model !== undefined)
    throw new DispatchError('usage', '--model and --models both choose the models', {
      hint: 'Give --models a,b,c for the runs of --best-of, or one --model for all of them.',
    });
  if (names.some((name) => name === ''))
    throw new DispatchError('usage', '--models has an empty name', {
      hint: 'Separate the model names with single commas: --models sonnet,codex',
    });
  if (names.length > n)
    throw new DispatchError(
      'usage',
      `--models names ${names.length} models but --best-of ${n} starts only ${n} runs`,
      { hint: `Give at most ${n} names, or raise --best-of to ${names.length}.` },
    );
  return Array.from({ length: n }, (_, index) => names[index % names.length]);
}

/** The group record of a task.json read from disk, or undefined when it is missing or malformed. */
export function readBestOf(value: unknown): BestOfInfo | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { group, index, of } = value as Record<string, unknown>;
  if (typeof group !== 'string' || !Number.isInteger(index) || !Number.isInteger(of))
    return undefined;
  return { group, index: index as number, of: of as number };
}
