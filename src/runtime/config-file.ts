import { readFileSync } from 'node:fs';
import { DispatchError } from '../core/errors.js';
import { builtinConfig, parseConfig } from '../core/config/parse-config.js';
import type { Config } from '../core/config/config-types.js';
import { configPath } from './paths.js';

/** Reads the user's config file, or the built-in one (simulated worker only) when there is none. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = configPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (env.DISPATCH_CONFIG) {
        throw new DispatchError(
          'config',
          `config file ${file} (from DISPATCH_CONFIG) does not exist`,
          {
            hint: 'Point DISPATCH_CONFIG at an existing file, or unset it to use ~/.dispatch/config.yaml.',
          },
        );
      }
      return builtinConfig();
    }
    throw new DispatchError('config', `cannot read ${file}: ${(error as Error).message}`, {
      hint: 'Check the file permissions (it should be readable by you: chmod 600).',
    });
  }
  return parseConfig(text, file);
}
