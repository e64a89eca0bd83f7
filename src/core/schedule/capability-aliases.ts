import type { Config } from '../config/config-types.js';
import { DispatchError } from '../errors.js';

/** Every capability some alias declares, once each (as first spelled), sorted, for messages. */
export function knownCapabilities(config: Config): string[] {
  const all = new Map<string, string>();
  for (const alias of Object.values(config.aliases))
    for (const capability of alias.capabilities)
      if (!all.has(capability.toLowerCase())) all.set(capability.toLowerCase(), capability);
  return [...all.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

/**
 * The aliases that declare a capability (case-insensitive), in the order of the config file: the
 * scheduler gives a task to the first of them with a free slot, so list the preferred one first.
 */
export function aliasesWithCapability(config: Config, capability: string): string[] {
  const wanted = capability.toLowerCase();
  return Object.values(config.aliases)
    .filter((alias) => alias.capabilities.some((c) => c.toLowerCase() === wanted))
    .map((alias) => alias.name);
}

/** Like aliasesWithCapability, but an error that lists the known capabilities when none has it. */
export function requireCapability(config: Config, capability: string): string[] {
  const aliases = aliasesWithCapability(config, capability);
  if (aliases.length > 0) return aliases;
  const known = knownCapabilities(config);
  throw new DispatchError('config', `no alias has the capability "${capability}"`, {
    hint:
      known.length > 0
        ? `Capabilities in ${config.file ?? 'the config'}: ${known.join(', ')}.`
        : `Declare it on an alias in ${config.file ?? '~/.dispatch/config.yaml'}, e.g. aliases: { researcher: { model: opus, capabilities: [${capability}] } }.`,
  });
}
