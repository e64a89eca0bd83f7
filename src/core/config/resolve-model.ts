import { DispatchError } from '../errors.js';
import { closestMatch } from './closest-match.js';
import type { AliasConfig, BackendConfig, Config, ModelConfig } from './config-types.js';

export interface ModelChoice {
  model: ModelConfig;
  backend: BackendConfig;
  alias: AliasConfig | undefined;
  /** How the model was chosen, for the dispatch report. */
  via: 'flag' | 'text' | 'default';
}

function lookup(
  config: Config,
  name: string,
): { model: ModelConfig; alias: AliasConfig | undefined } | undefined {
  const key = findKey(config, name);
  if (key === undefined) return undefined;
  const alias = config.aliases[key];
  const modelName = alias ? alias.model : key;
  const model = config.models[modelName];
  return model ? { model, alias } : undefined;
}

function findKey(config: Config, name: string): string | undefined {
  if (config.aliases[name] || config.models[name]) return name;
  const lower = name.toLowerCase();
  return [...Object.keys(config.aliases), ...Object.keys(config.models)].find(
    (key) => key.toLowerCase() === lower,
  );
}

export function knownModelNames(config: Config): string[] {
  return [...Object.keys(config.models), ...Object.keys(config.aliases)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Configured model and alias names mentioned in the text as whole words, the position of each
 * name's last mention. A name is not matched inside a longer token ("opus" in "opus-like" or
 * "gpt-5" in "gpt-5.3-codex"), but a sentence's full stop after it is fine.
 */
export function mentionedModels(config: Config, text: string): { name: string; index: number }[] {
  const found: { name: string; index: number; length: number }[] = [];
  for (const name of knownModelNames(config)) {
    // "Fix SIM card detection" must not go to the simulated worker.
    if (config.models[name]?.builtin) continue;
    const pattern = new RegExp(
      `(?<![A-Za-z0-9_.-])${escapeRegExp(name)}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`,
      'gi',
    );
    let last: RegExpExecArray | null = null;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) last = match;
    if (last) found.push({ name, index: last.index, length: name.length });
  }
  return found.sort((a, b) => a.index - b.index || a.length - b.length);
}

export function unknownModelError(config: Config, name: string): DispatchError {
  const known = knownModelNames(config);
  const suggestion = closestMatch(name, known);
  return new DispatchError('config', `unknown model "${name}"`, {
    hint: `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Configured models and aliases: ${known.join(', ')}. Add it to ${config.file ?? '~/.dispatch/config.yaml'} under models: to use it.`,
  });
}

/**
 * Picks the model for a task: an explicit name wins; else the last configured name mentioned in
 * the task text; else the config's default.
 */
export function resolveModel(
  config: Config,
  request: { explicit?: string; text?: string },
): ModelChoice {
  let via: ModelChoice['via'];
  let name: string | undefined;
  if (request.explicit) {
    via = 'flag';
    name = request.explicit;
  } else {
    const mentions = request.text ? mentionedModels(config, request.text) : [];
    const last = mentions[mentions.length - 1];
    via = last ? 'text' : 'default';
    name = last?.name ?? config.default;
  }
  if (!name) {
    throw new DispatchError('config', 'no model given and no default configured', {
      hint: `Pass --model NAME (one of: ${knownModelNames(config).join(', ')}) or set default: in ${config.file ?? '~/.dispatch/config.yaml'} (dispatch init writes one).`,
    });
  }
  const found = lookup(config, name);
  if (!found) throw unknownModelError(config, name);
  const backend = config.backends[found.model.backend];
  if (!backend) {
    throw new DispatchError(
      'config',
      `model "${found.model.name}" uses backend "${found.model.backend}", which is not configured`,
      {
        hint: `Add a backends: entry named ${found.model.backend} to ${config.file ?? 'the config'}.`,
      },
    );
  }
  return { model: found.model, backend, alias: found.alias, via };
}
