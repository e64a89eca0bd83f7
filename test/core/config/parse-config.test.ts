import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinConfig, parseConfig } from '../../../src/core/config/parse-config.js';
import {
  DEFAULT_FALLBACK_MINUTES,
  DEFAULT_TIMEOUT_MINUTES,
  SIM_MODEL,
} from '../../../src/core/config/config-types.js';
import { DispatchError, formatLocation } from '../../../src/core/errors.js';

const FILE = '/home/user/.dispatch/config.yaml';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/core/config/${name}`, import.meta.url), 'utf8');
}

/** YAML from lines, so the line numbers asserted below can be counted in the test itself. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function configError(text: string, file = FILE): DispatchError {
  try {
    parseConfig(text, file);
  } catch (error) {
    if (error instanceof DispatchError) return error;
    throw error;
  }
  throw new Error('expected parseConfig to fail');
}

/**
 * Asserts that the error points at `token` on line `line` (1-based) of `text`: the line is
 * counted in the test's own YAML and the column is where the token starts on that line.
 */
function expectAt(error: DispatchError, text: string, line: number, token: string): void {
  const column = (text.split('\n')[line - 1] ?? '').indexOf(token) + 1;
  expect(column, `"${token}" is on line ${line}`).toBeGreaterThan(0);
  expect(error.location).toEqual({ file: FILE, line, column });
}

const SIM_BACKEND = { name: 'sim', command: 'dispatch-sim', type: 'sim' };
const SIM = { name: 'sim', backend: 'sim', id: 'sim', passModel: false, builtin: true };

describe('builtinConfig', () => {
  it('offers only the simulated worker, as the default', () => {
    const config = builtinConfig();
    expect(config.format).toBe('builtin');
    expect(config.file).toBeUndefined();
    expect(config.default).toBe(SIM_MODEL);
    expect(config.backends).toEqual({ sim: SIM_BACKEND });
    expect(config.models).toEqual({ sim: SIM });
    expect(config.aliases).toEqual({});
    expect(config.timeoutMinutes).toBe(DEFAULT_TIMEOUT_MINUTES);
    expect(config.fallbackMinutes).toBe(DEFAULT_FALLBACK_MINUTES);
    expect(config.stopOnTimeout).toBe(false);
    expect(config.notify).toEqual({ desktop: false, hooks: {} });
  });

  it('returns a fresh object each time', () => {
    const a = builtinConfig();
    a.models.extra = { name: 'extra', backend: 'sim', id: 'extra', passModel: true };
    expect(builtinConfig().models.extra).toBeUndefined();
  });
});

describe('parseConfig: new format', () => {
  const config = parseConfig(fixture('full.yaml'), FILE);

  it('records the file and the format', () => {
    expect(config.file).toBe(FILE);
    expect(config.format).toBe('new');
    expect(config.default).toBe('opus');
  });

  it('reads backends given as a string or as { command, type }, inferring the type', () => {
    expect(config.backends).toEqual({
      claude: {
        name: 'claude',
        command: 'env -u CLAUDECODE claude -p --dangerously-skip-permissions',
        type: 'claude',
        maxParallel: 3,
        maxParallelDefault: true,
      },
      cursor: { name: 'cursor', command: 'agent -p --force --workspace "$(pwd)"', type: 'cursor' },
      codex: { name: 'codex', command: 'codex exec --full-auto', type: 'codex' },
      'my-gemini': { name: 'my-gemini', command: 'gemini -p', type: 'gemini' },
      sim: SIM_BACKEND,
    });
  });

  it('reads models given as nothing, null, a backend name or a mapping with an explicit id', () => {
    expect(config.models).toEqual({
      opus: { name: 'opus', backend: 'claude', id: 'opus', passModel: true },
      sonnet: { name: 'sonnet', backend: 'claude', id: 'sonnet', passModel: true },
      haiku: { name: 'haiku', backend: 'claude', id: 'haiku', passModel: true },
      'gpt-5.3-codex': {
        name: 'gpt-5.3-codex',
        backend: 'codex',
        id: 'gpt-5.3-codex',
        passModel: true,
      },
      'gpt-5': { name: 'gpt-5', backend: 'codex', id: 'gpt-5', passModel: true },
      'gemini-2.5-pro': {
        name: 'gemini-2.5-pro',
        backend: 'my-gemini',
        id: 'gemini-2.5-pro',
        passModel: true,
      },
      composer: { name: 'composer', backend: 'cursor', id: 'composer-1', passModel: true },
      sim: SIM,
    });
  });

  it('reads aliases given as a model name or as a mapping with prompt, capabilities and a limit', () => {
    expect(config.aliases).toEqual({
      fast: {
        name: 'fast',
        model: 'haiku',
        prompt: undefined,
        capabilities: [],
        maxParallel: undefined,
      },
      reviewer: {
        name: 'reviewer',
        model: 'opus',
        prompt: 'Review only; do not change files.',
        capabilities: ['review', 'security'],
        maxParallel: 2,
      },
    });
  });

  it('reads the limits, timeouts and notification hooks', () => {
    expect(config.maxParallel).toBe(4);
    expect(config.timeoutMinutes).toBe(45);
    expect(config.stopOnTimeout).toBe(true);
    expect(config.fallbackMinutes).toBe(1.5);
    expect(config.notify).toEqual({
      desktop: true,
      hooks: {
        question: 'notify-send "dispatch" "$DISPATCH_TASK_ID has a question"',
        failed: './hooks/failed.sh',
      },
    });
  });

  it('uses the defaults for an empty file or one with only comments', () => {
    for (const text of ['', '# nothing here yet\n', '---\n']) {
      const empty = parseConfig(text, FILE);
      expect(empty.format).toBe('new');
      expect(empty.default).toBeUndefined();
      expect(empty.models).toEqual({ sim: SIM });
      expect(empty.backends).toEqual({ sim: SIM_BACKEND });
      expect(empty.maxParallel).toBeUndefined();
      expect(empty.maxNodeTasks).toBe(32);
      expect(empty.timeoutMinutes).toBe(30);
      expect(empty.fallbackMinutes).toBe(3);
      expect(empty.stopOnTimeout).toBe(false);
      expect(empty.notify).toEqual({ desktop: false, hooks: {} });
    }
  });

  it('reads max_node_tasks, and refuses a limit below one', () => {
    expect(parseConfig(yaml('max_node_tasks: 8'), FILE).maxNodeTasks).toBe(8);
    const error = configError(yaml('# settings', 'max_node_tasks: 0'));
    expect(error.message).toContain(`${FILE}: max_node_tasks:`);
  });

  it('trims commands', () => {
    const config = parseConfig(yaml('backends:', '  claude: "  claude -p  "'), FILE);
    expect(config.backends.claude?.command).toBe('claude -p');
  });

  it('infers the backend of a model from its id, not only its name', () => {
    const config = parseConfig(
      yaml(
        'backends:',
        '  claude: claude -p',
        '  codex: codex exec',
        'models:',
        '  big:',
        '    id: claude-opus-4-1',
        '  small:',
        '    id: gpt-5-mini',
      ),
      FILE,
    );
    expect(config.models.big).toMatchObject({ backend: 'claude', id: 'claude-opus-4-1' });
    expect(config.models.small).toMatchObject({ backend: 'codex', id: 'gpt-5-mini' });
  });

  it('lets a model use the built-in sim backend without declaring it', () => {
    const config = parseConfig(yaml('models:', '  fake: sim', 'default: fake'), FILE);
    expect(config.models.fake).toEqual({
      name: 'fake',
      backend: 'sim',
      id: 'fake',
      passModel: true,
    });
    expect(config.backends.sim).toEqual(SIM_BACKEND);
  });

  it('lets an alias point at the built-in sim model', () => {
    const config = parseConfig(yaml('aliases:', '  demo: sim', 'default: demo'), FILE);
    expect(config.aliases.demo?.model).toBe('sim');
    expect(config.models.sim).toEqual(SIM);
  });

  it('keeps a user-defined sim backend, model or alias instead of the built-in one', () => {
    const own = parseConfig(
      yaml(
        'backends:',
        '  sim: my-sim --fast',
        'models:',
        '  sim:',
        '    backend: sim',
        '    id: sim-2',
      ),
      FILE,
    );
    expect(own.backends.sim).toEqual({ name: 'sim', command: 'my-sim --fast', type: 'sim' });
    expect(own.models.sim).toEqual({ name: 'sim', backend: 'sim', id: 'sim-2', passModel: true });

    const aliased = parseConfig(
      yaml('backends:', '  claude: claude -p', 'models:', '  opus:', 'aliases:', '  sim: opus'),
      FILE,
    );
    expect(aliased.models.sim).toBeUndefined();
    expect(aliased.aliases.sim?.model).toBe('opus');
  });

  it('accepts an alias as the default', () => {
    const config = parseConfig(
      fixture('full.yaml').replace('default: opus', 'default: reviewer'),
      FILE,
    );
    expect(config.default).toBe('reviewer');
  });
});

describe('parseConfig: old format', () => {
  it('reads agents as backends and models that carry their model in the command', () => {
    const config = parseConfig(fixture('old-format.yaml'), FILE);
    expect(config.format).toBe('old');
    expect(config.default).toBe('claude');
    expect(config.backends).toEqual({
      claude: {
        name: 'claude',
        command: 'env -u CLAUDECODE claude -p --model opus --dangerously-skip-permissions',
        type: 'claude',
        maxParallel: 3,
        maxParallelDefault: true,
      },
      cursor: {
        name: 'cursor',
        command: 'agent -p --force --model gpt-5 --workspace "$(pwd)"',
        type: 'cursor',
      },
      sim: SIM_BACKEND,
    });
    expect(config.models).toEqual({
      claude: { name: 'claude', backend: 'claude', id: 'claude', passModel: false },
      cursor: { name: 'cursor', backend: 'cursor', id: 'cursor', passModel: false },
      sim: SIM,
    });
    expect(config.aliases).toEqual({});
  });

  it('infers the type of an agent from its command when its name says nothing', () => {
    const config = parseConfig(
      yaml(
        'agents:',
        '  reviewer: env -u CLAUDECODE claude -p',
        '  fast: codex exec',
        '  other: aider',
      ),
      FILE,
    );
    expect(config.backends.reviewer?.type).toBe('claude');
    expect(config.backends.fast?.type).toBe('codex');
    expect(config.backends.other?.type).toBe('generic');
  });

  it('accepts the common settings next to agents', () => {
    const config = parseConfig(
      yaml('default: claude', 'timeout_minutes: 10', 'agents:', '  claude: claude -p'),
      FILE,
    );
    expect(config.timeoutMinutes).toBe(10);
  });

  it('rejects a new-format section mixed into an old-format file', () => {
    const text = yaml('default: claude', 'agents:', '  claude: claude -p', 'models:', '  opus:');
    const error = configError(text);
    expect(error.message).toContain('unknown key models');
    expectAt(error, text, 4, 'models');
  });

  it('requires the default to be one of the agents', () => {
    const text = yaml('agents:', '  claude: claude -p', 'default: opus');
    const error = configError(text);
    expect(error.message).toContain('default "opus" is not a configured model or alias');
    expectAt(error, text, 3, 'opus');
    expect(error.hint).toContain('claude');
  });
});

describe('parseConfig: YAML syntax errors', () => {
  it('points at a command with an unquoted ": " in it', () => {
    const error = configError(
      yaml('default: opus', 'backends:', '  claude: claude -p --flag: x', 'models:', '  opus:'),
    );
    expect(error).toBeInstanceOf(DispatchError);
    expect(error.code).toBe('config');
    expect(error.message).toContain(`${FILE}: not valid YAML`);
    expect(error.location).toEqual({ file: FILE, line: 3, column: 11 });
    expect(error.hint).toMatch(/quot/);
    expect(formatLocation(error.location ?? { file: '' })).toBe(`${FILE}:3:11`);
  });

  it('points at tab indentation', () => {
    const error = configError(yaml('# comment', 'backends:', '\tclaude: claude -p'));
    expect(error.message).toMatch(/Tabs/);
    expect(error.location).toEqual({ file: FILE, line: 3, column: 1 });
    expect(error.hint).toMatch(/indentation/);
  });

  it('points at the second of two equal keys', () => {
    const top = configError(yaml('default: opus', 'models:', '  opus:', 'default: sonnet'));
    expect(top.message).toMatch(/unique/);
    expect(top.location).toEqual({ file: FILE, line: 4, column: 1 });

    const nested = configError(
      yaml('backends:', '  claude: claude -p', '  codex: codex exec', '  claude: claude'),
    );
    expect(nested.location).toEqual({ file: FILE, line: 4, column: 3 });
  });

  it('always gives a line and column, even for an error at the end of the file', () => {
    const error = configError(yaml('default: opus', 'backends:', '  claude: "claude -p'));
    expect(error.location?.file).toBe(FILE);
    expect(error.location?.line).toBeGreaterThanOrEqual(3);
    expect(error.location?.column).toBeGreaterThanOrEqual(1);
  });

  it('keeps the message to one line', () => {
    const error = configError(yaml('a: [1, 2', 'b: 3'));
    expect(error.message).not.toContain('\n');
    expect(error.location?.line).toBeTypeOf('number');
  });
});

describe('parseConfig: schema errors', () => {
  it('rejects a file that is not a mapping', () => {
    for (const text of ['- a\n- b\n', 'just a string\n', '42\n']) {
      const error = configError(text);
      expect(error.code).toBe('config');
      expect(error.message).toContain('must be a mapping');
      expect(error.location).toEqual({ file: FILE, line: 1, column: 1 });
    }
  });

  it('names an unknown top-level key and lists the allowed ones', () => {
    const text = yaml('# my config', '', 'defualt: opus');
    const error = configError(text);
    expect(error.message).toBe(`${FILE}: unknown key defualt in the top level`);
    expectAt(error, text, 3, 'defualt');
    expect(error.hint).toContain('default, backends, models, aliases');
    expect(error.hint).toContain('Check the spelling');
  });

  it('names a misspelled "comand" in a backend at its own line', () => {
    const text = yaml(
      'default: opus',
      'backends:',
      '  claude:',
      '    comand: claude -p',
      'models:',
      '  opus:',
    );
    const error = configError(text);
    expect(error.code).toBe('config');
    expect(error.message).toBe(`${FILE}: unknown key comand in backends.claude`);
    expectAt(error, text, 4, 'comand');
    expect(error.hint).toBe(
      'Allowed keys here: command, type, isolate, max_parallel. Check the spelling.',
    );
  });

  it('names a misspelled key in an old-format agent', () => {
    const text = yaml('agents:', '  cursor:', '    comand: agent -p');
    const error = configError(text);
    expect(error.message).toContain('unknown key comand in agents.cursor');
    expectAt(error, text, 3, 'comand');
    expect(error.hint).toContain('command, type');
  });

  it('names a misspelled key in a model and in an alias', () => {
    const modelText = yaml(
      'backends:',
      '  claude: claude -p',
      'models:',
      '  opus:',
      '    backnd: claude',
    );
    const model = configError(modelText);
    expect(model.message).toContain('unknown key backnd in models.opus');
    expectAt(model, modelText, 5, 'backnd');
    expect(model.hint).toContain('backend, id');

    const aliasText = yaml(
      'backends:',
      '  claude: claude -p',
      'models:',
      '  opus:',
      'aliases:',
      '  fast:',
      '    modle: opus',
    );
    const alias = configError(aliasText);
    expect(alias.message).toContain('unknown key modle in aliases.fast');
    expectAt(alias, aliasText, 7, 'modle');
    expect(alias.hint).toContain('model, prompt, capabilities, max_parallel');
  });

  it('names a misspelled notification event', () => {
    const text = yaml('notify:', '  desktop: true', '  questoin: say hi');
    const error = configError(text);
    expect(error.message).toContain('unknown key questoin in notify');
    expectAt(error, text, 3, 'questoin');
    expect(error.hint).toContain('question');
  });

  it('rejects an unknown backend type and lists the known ones, at the type line', () => {
    const text = yaml('backends:', '  claude:', '    command: claude -p', '    type: clade');
    const error = configError(text);
    expect(error.message).toContain('backends.claude.type');
    expect(error.message).toContain('"claude"');
    expect(error.message).toContain('"generic"');
    expectAt(error, text, 4, 'clade');
  });

  it('rejects a backend that is neither a command nor a mapping', () => {
    const text = yaml('backends:', '  claude: 5');
    const error = configError(text);
    expect(error.message).toContain('backends.claude has the wrong shape');
    expect(error.message).toContain('command');
    expectAt(error, text, 2, '5');
  });

  it('rejects an empty command', () => {
    const text = yaml('backends:', '  codex: codex exec', '  claude: "   "');
    const error = configError(text);
    expect(error.message).toContain('backends.claude');
    expect(error.message).toContain('must not be empty');
    expectAt(error, text, 3, '"   "');
  });

  it.each([
    ['a word for a number', 'timeout_minutes: ten', 'timeout_minutes', /expected number/, 'ten'],
    ['zero parallel', 'max_parallel: 0', 'max_parallel', /0/, '0'],
    ['a fraction of a task', 'max_parallel: 1.5', 'max_parallel', /int/, '1.5'],
    ['a negative fallback', 'fallback_minutes: -1', 'fallback_minutes', /0/, '-1'],
    ['a string for a boolean', 'stop_on_timeout: "yes"', 'stop_on_timeout', /boolean/, '"yes"'],
    ['a list of backends', 'backends: [claude, codex]', 'backends', /record/, '['],
    ['a number for the default', 'default: 5', 'default', /string/, '5'],
  ])(
    'rejects %s with the key, what was expected, and where',
    (_name, line, key, expected, token) => {
      const text = yaml('# settings', line);
      const error = configError(text);
      expect(error.code).toBe('config');
      expect(error.message).toContain(`${FILE}: ${key}:`);
      expect(error.message).toMatch(expected);
      expectAt(error, text, 2, token);
      expect(error.hint).toBeTruthy();
    },
  );

  it('rejects an empty default at its line', () => {
    const error = configError(yaml('# settings', 'default:'));
    expect(error.message).toContain(`${FILE}: default:`);
    expect(error.message).toMatch(/string/);
    expect(error.location?.line).toBe(2);
  });

  it('rejects capabilities that are not a list, at their line', () => {
    const text = yaml(
      'backends:',
      '  claude: claude -p',
      'models:',
      '  opus:',
      'aliases:',
      '  reviewer:',
      '    model: opus',
      '    capabilities: review',
    );
    const error = configError(text);
    expect(error.message).toContain('aliases.reviewer.capabilities');
    expectAt(error, text, 8, 'review');
  });

  it('rejects an alias pointing to an unknown model, listing the configured ones', () => {
    const shorthandText = yaml(
      'backends:',
      '  claude: claude -p',
      'models:',
      '  opus:',
      'aliases:',
      '  fast: opsu',
    );
    const shorthand = configError(shorthandText);
    expect(shorthand.message).toBe(
      `${FILE}: alias "fast" points to model "opsu", which is not configured`,
    );
    expectAt(shorthand, shorthandText, 6, 'opsu');
    expect(shorthand.hint).toBe('Configured models: opus.');

    const mappingText = yaml(
      'backends:',
      '  claude: claude -p',
      'models:',
      '  opus:',
      'aliases:',
      '  fast:',
      '    prompt: be quick',
      '    model: opsu',
    );
    expectAt(configError(mappingText), mappingText, 8, 'opsu');
  });

  it('rejects a model with an unknown backend, listing the configured ones', () => {
    const mappingText = yaml(
      'backends:',
      '  claude: claude -p',
      '  codex: codex exec',
      'models:',
      '  opus:',
      '    backend: claud',
    );
    const mapping = configError(mappingText);
    expect(mapping.message).toBe(
      `${FILE}: model "opus" uses backend "claud", which is not configured`,
    );
    expectAt(mapping, mappingText, 6, 'claud');
    expect(mapping.hint).toContain('Configured backends: claude, codex');

    const shorthandText = yaml('backends:', '  claude: claude -p', 'models:', '  opus: claud');
    expectAt(configError(shorthandText), shorthandText, 4, 'claud');
  });

  it('rejects a model whose backend cannot be inferred and says to add one', () => {
    const none = configError(yaml('models:', '  opus:'));
    expect(none.message).toContain('model "opus" names no backend and none can be inferred');
    expect(none.location?.line).toBe(2);
    expect(none.hint).toContain('add a backends: section');

    const ambiguous = configError(
      yaml('backends:', '  one: tool-a', '  two: tool-b', 'models:', '  mystery:'),
    );
    expect(ambiguous.location?.line).toBe(5);
    expect(ambiguous.hint).toBe('Add `backend:` to it, one of: one, two.');
  });

  it('rejects a default that is not configured, listing models and aliases', () => {
    const text = yaml(
      'backends:',
      '  claude: claude -p',
      'models:',
      '  opus:',
      'aliases:',
      '  fast: opus',
      '',
      'default: opsu',
    );
    const error = configError(text);
    expect(error.message).toBe(`${FILE}: default "opsu" is not a configured model or alias`);
    expectAt(error, text, 8, 'opsu');
    expect(error.hint).toBe('Set default to one of: opus, sim, fast.');
  });

  it('names the file it was given in the location and the message', () => {
    const error = configError(yaml('defualt: x'), 'C:\\Users\\me\\.dispatch\\config.yaml');
    expect(error.location?.file).toBe('C:\\Users\\me\\.dispatch\\config.yaml');
    expect(error.message.startsWith('C:\\Users\\me\\.dispatch\\config.yaml')).toBe(true);
  });
});

describe('the parallel limit of a backend', () => {
  it('is 3 for a claude backend that sets none, the set value otherwise, none for others', () => {
    const config = parseConfig(
      yaml(
        'backends:',
        '  claude: claude -p',
        '  fast-claude: { command: claude -p --verbose, max_parallel: 8 }',
        '  codex: { command: codex exec, max_parallel: 2 }',
        '  gemini: gemini -p',
        'models:',
        '  opus: { backend: claude }',
      ),
      FILE,
    );
    expect(config.backends.claude).toMatchObject({ maxParallel: 3, maxParallelDefault: true });
    expect(config.backends['fast-claude']).toMatchObject({ maxParallel: 8 });
    expect(config.backends['fast-claude']?.maxParallelDefault).toBeUndefined();
    expect(config.backends.codex).toMatchObject({ maxParallel: 2 });
    expect(config.backends.gemini?.maxParallel).toBeUndefined();
  });

  it('must be a positive whole number', () => {
    const error = configError(
      yaml(
        'backends:',
        '  claude: { command: claude -p, max_parallel: 0 }',
        'models:',
        '  opus: {}',
      ),
    );
    expect(error.code).toBe('config');
    expect(error.message).toContain('max_parallel');
  });
});
