import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinConfig, parseConfig } from '../../../src/core/config/parse-config.js';
import {
  knownModelNames,
  mentionedModels,
  resolveModel,
  unknownModelError,
} from '../../../src/core/config/resolve-model.js';
import type { Config } from '../../../src/core/config/config-types.js';
import { DispatchError } from '../../../src/core/errors.js';

const FILE = '/home/user/.dispatch/config.yaml';
const config = parseConfig(
  readFileSync(new URL('../../fixtures/core/config/full.yaml', import.meta.url), 'utf8'),
  FILE,
);

function pick(text: string, explicit?: string): string {
  return resolveModel(config, { text, explicit }).model.name;
}

function failure(run: () => unknown): DispatchError {
  try {
    run();
  } catch (error) {
    if (error instanceof DispatchError) return error;
    throw error;
  }
  throw new Error('expected a DispatchError');
}

describe('resolveModel: --model', () => {
  it('takes the named model with its backend', () => {
    const choice = resolveModel(config, { explicit: 'sonnet' });
    expect(choice.via).toBe('flag');
    expect(choice.model).toEqual({
      name: 'sonnet',
      backend: 'claude',
      id: 'sonnet',
      passModel: true,
    });
    expect(choice.backend.name).toBe('claude');
    expect(choice.alias).toBeUndefined();
  });

  it('takes an alias, returning the model it points to and the alias itself', () => {
    const choice = resolveModel(config, { explicit: 'reviewer' });
    expect(choice.model.name).toBe('opus');
    expect(choice.backend.name).toBe('claude');
    expect(choice.alias).toMatchObject({
      name: 'reviewer',
      prompt: 'Review only; do not change files.',
    });
    expect(choice.via).toBe('flag');
  });

  it('ignores case', () => {
    expect(resolveModel(config, { explicit: 'OPUS' }).model.name).toBe('opus');
    expect(resolveModel(config, { explicit: 'Fast' }).model.name).toBe('haiku');
    expect(resolveModel(config, { explicit: 'GPT-5.3-Codex' }).model.name).toBe('gpt-5.3-codex');
  });

  it('wins over models mentioned in the text', () => {
    expect(pick('use opus for this', 'gpt-5')).toBe('gpt-5');
  });

  it('gives the model its configured id and backend', () => {
    const choice = resolveModel(config, { explicit: 'composer' });
    expect(choice.model.id).toBe('composer-1');
    expect(choice.backend).toEqual({
      name: 'cursor',
      command: 'agent -p --force --workspace "$(pwd)"',
      type: 'cursor',
    });
  });

  it('always offers the built-in sim model', () => {
    const choice = resolveModel(config, { explicit: 'sim' });
    expect(choice.backend.type).toBe('sim');
    expect(choice.model.passModel).toBe(false);
  });
});

describe('resolveModel: names in the task text', () => {
  it('finds a model mentioned in the text', () => {
    const choice = resolveModel(config, { text: 'Review the auth module with sonnet' });
    expect(choice.model.name).toBe('sonnet');
    expect(choice.via).toBe('text');
  });

  it('takes the last one mentioned: "use opus, actually sonnet"', () => {
    expect(pick('use opus, actually sonnet')).toBe('sonnet');
    expect(pick('sonnet? no: opus')).toBe('opus');
    expect(pick('opus then sonnet then opus again')).toBe('opus');
  });

  it('finds aliases too', () => {
    const choice = resolveModel(config, { text: 'have the reviewer look at PR 12' });
    expect(choice.model.name).toBe('opus');
    expect(choice.alias?.name).toBe('reviewer');
    expect(choice.via).toBe('text');
  });

  it('matches whole words only', () => {
    expect(pick('opusx is not a model')).toBe('opus'); // the default
    expect(resolveModel(config, { text: 'opusx is not a model' }).via).toBe('default');
    expect(pick('the magnum-opus of refactors')).toBe('opus'); // still the default
    expect(resolveModel(config, { text: 'the magnum-opus of refactors' }).via).toBe('default');
    expect(resolveModel(config, { text: 'sonnets and haikus' }).via).toBe('default');
    expect(resolveModel(config, { text: 'fix the fastpath' }).via).toBe('default');
    expect(resolveModel(config, { text: 'steadfast work' }).via).toBe('default');
  });

  it('matches a name followed by sentence punctuation', () => {
    expect(pick('Please use sonnet.')).toBe('sonnet');
    expect(pick('Is haiku, or sonnet, better?')).toBe('sonnet');
    expect(pick('(gpt-5)')).toBe('gpt-5');
    expect(pick('"haiku"')).toBe('haiku');
    expect(pick('with sonnet!')).toBe('sonnet');
    expect(pick('with sonnet:\nrefactor')).toBe('sonnet');
  });

  it('does not match "gpt-5" inside "gpt-5.3-codex"', () => {
    expect(pick('use gpt-5.3-codex for this')).toBe('gpt-5.3-codex');
    expect(pick('gpt-5.3-codex, then gpt-5.')).toBe('gpt-5');
    const mentions = mentionedModels(config, 'run gpt-5.3-codex');
    expect(mentions.map((m) => m.name)).toEqual(['gpt-5.3-codex']);
  });

  it('does not match a name inside a version number or a file name', () => {
    expect(resolveModel(config, { text: 'bump gpt-5.1 to the latest' }).via).toBe('default');
    expect(resolveModel(config, { text: 'edit sonnet.ts' }).via).toBe('default');
    expect(resolveModel(config, { text: 'edit v.sonnet' }).via).toBe('default');
  });

  it('ignores case in the text', () => {
    expect(pick('Use SONNET please')).toBe('sonnet');
  });

  it('treats names with regular-expression characters literally', () => {
    const special = parseConfig(
      ['backends:', '  cursor: agent -p', 'models:', '  c++:', '  "a.b":', 'default: c++', ''].join(
        '\n',
      ),
      FILE,
    );
    expect(resolveModel(special, { text: 'write it in c++ please' }).model.name).toBe('c++');
    expect(resolveModel(special, { text: 'use a.b' }).model.name).toBe('a.b');
    expect(resolveModel(special, { text: 'use axb' }).via).toBe('default');
  });

  it('falls back to the default when nothing is mentioned', () => {
    const choice = resolveModel(config, { text: 'refactor the parser' });
    expect(choice.model.name).toBe('opus');
    expect(choice.via).toBe('default');
    expect(resolveModel(config, {}).via).toBe('default');
    expect(resolveModel(config, { text: '' }).via).toBe('default');
  });

  it('uses the default when it is an alias', () => {
    const aliased = { ...config, default: 'fast' };
    const choice = resolveModel(aliased, { text: 'anything' });
    expect(choice.model.name).toBe('haiku');
    expect(choice.alias?.name).toBe('fast');
  });
});

describe('mentionedModels', () => {
  it('lists each mentioned name once, at its last mention, in order of position', () => {
    const mentions = mentionedModels(config, 'opus or sonnet; opus wins? haiku');
    expect(mentions.map(({ name, index }) => ({ name, index }))).toEqual([
      { name: 'sonnet', index: 8 },
      { name: 'opus', index: 16 },
      { name: 'haiku', index: 27 },
    ]);
  });

  it('is empty when nothing is mentioned', () => {
    expect(mentionedModels(config, 'nothing here')).toEqual([]);
  });
});

describe('resolveModel: errors', () => {
  it('rejects an unknown --model, suggesting the closest name and listing the configured ones', () => {
    const error = failure(() => resolveModel(config, { explicit: 'opsu' }));
    expect(error.code).toBe('config');
    expect(error.message).toBe('unknown model "opsu"');
    expect(error.hint).toContain('Did you mean "opus"?');
    for (const name of [
      'opus',
      'sonnet',
      'haiku',
      'gpt-5',
      'composer',
      'sim',
      'fast',
      'reviewer',
    ]) {
      expect(error.hint).toContain(name);
    }
    expect(error.hint).toContain(FILE);
  });

  it('makes no suggestion when nothing is close', () => {
    const error = failure(() => resolveModel(config, { explicit: 'llama-70b' }));
    expect(error.hint).not.toContain('Did you mean');
    expect(error.hint).toContain('Configured models and aliases:');
  });

  it('rejects a default that is no longer configured', () => {
    const broken: Config = { ...config, default: 'gone' };
    const error = failure(() => resolveModel(broken, { text: 'plain text' }));
    expect(error.message).toBe('unknown model "gone"');
  });

  it('asks for --model or a default when there is neither', () => {
    const noDefault: Config = { ...config, default: undefined };
    const error = failure(() => resolveModel(noDefault, { text: 'plain' }));
    expect(error.message).toBe('no model given and no default configured');
    expect(error.hint).toContain('--model');
    expect(error.hint).toContain('opus');
  });

  it('reports a model whose backend is missing', () => {
    const broken: Config = {
      ...config,
      models: {
        ...config.models,
        lost: { name: 'lost', backend: 'nowhere', id: 'lost', passModel: true },
      },
    };
    const error = failure(() => resolveModel(broken, { explicit: 'lost' }));
    expect(error.message).toContain('backend "nowhere"');
    expect(error.hint).toContain('nowhere');
  });

  it('names the default config path when the config has no file', () => {
    const error = unknownModelError(builtinConfig(), 'opus');
    expect(error.hint).toContain('~/.dispatch/config.yaml');
    expect(error.hint).toContain('sim');
  });
});

describe('knownModelNames', () => {
  it('lists models, then aliases', () => {
    expect(knownModelNames(config)).toEqual([
      'opus',
      'sonnet',
      'haiku',
      'gpt-5.3-codex',
      'gpt-5',
      'gemini-2.5-pro',
      'composer',
      'sim',
      'fast',
      'reviewer',
    ]);
  });
});

describe('the built-in simulated worker', () => {
  it('is never picked from task text, only by name or as the default', async () => {
    const { builtinConfig } = await import('../../../src/core/config/parse-config.js');
    const { mentionedModels } = await import('../../../src/core/config/resolve-model.js');
    const config = builtinConfig();
    expect(mentionedModels(config, 'Fix SIM card detection in the sim driver')).toEqual([]);
  });
});
