import { existsSync, readFileSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { waitUntil } from '../../src/runtime/watch/wait-until.js';

/**
 * Resolves when `check` returns a value other than undefined, re-checking on every file event in
 * `dir` (and on a slow safety tick); rejects after `timeoutMs` with `describe()` for context.
 */
export async function waitForCondition<T>(
  dir: string,
  check: () => T | undefined,
  timeoutMs = 15_000,
  describe = () => '',
): Promise<T> {
  const result = await waitUntil(
    () => {
      try {
        return check();
      } catch {
        return undefined;
      }
    },
    {
      timeoutMs,
      pollMs: 200,
      wake: (wake) => {
        const watcher = watch(dir, { recursive: false }, wake);
        return () => watcher.close();
      },
    },
  );
  if (result.kind === 'timeout')
    throw new Error(`condition not met within ${timeoutMs} ms in ${dir}\n${describe()}`);
  return result.value;
}

/** Waits until a file exists (and optionally its text satisfies `test`); returns its text. */
export function waitForFile(
  path: string,
  test: (text: string) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<string> {
  return waitForCondition(
    dirname(path),
    () => {
      if (!existsSync(path)) return undefined;
      const text = readFileSync(path, 'utf8');
      return test(text) ? text : undefined;
    },
    timeoutMs,
    () => (existsSync(path) ? `${path}:\n${readFileSync(path, 'utf8')}` : `${path} does not exist`),
  );
}
