import { existsSync, readFileSync, watch } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Resolves when `check` returns a value other than undefined, re-checking on every file event in
 * `dir` (and on a slow safety tick); rejects after `timeoutMs` with `describe()` for context.
 */
export function waitForCondition<T>(
  dir: string,
  check: () => T | undefined,
  timeoutMs = 15_000,
  describe = () => '',
): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const attempt = () => {
      if (done) return;
      let value: T | undefined;
      try {
        value = check();
      } catch {
        value = undefined;
      }
      if (value !== undefined) finish(() => resolve(value as T));
    };
    const watcher = watch(dir, { recursive: false }, attempt);
    const tick = setInterval(attempt, 200);
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new Error(`condition not met within ${timeoutMs} ms in ${dir}\n${describe()}`)),
        ),
      timeoutMs,
    );
    function finish(settle: () => void) {
      done = true;
      watcher.close();
      clearInterval(tick);
      clearTimeout(timer);
      settle();
    }
    attempt();
  });
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
