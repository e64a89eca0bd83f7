import { readFileSync } from 'node:fs';
import { DASHBOARD_ASSETS, PACKAGE_ROOT } from '../runtime/package-paths.js';

export { DASHBOARD_ASSETS, PACKAGE_ROOT };

/** The installed package's version, or `fallback` when its package.json cannot be read. */
export function packageVersion(fallback = 'unknown'): string {
  try {
    return (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string })
      .version;
  } catch {
    return fallback;
  }
}
