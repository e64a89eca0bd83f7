import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import { renderConfig, type RenderInput } from '../../../src/core/config/render-config.js';

const FILE = '/home/user/.dispatch/config.yaml';

const INPUT: RenderInput = {
  backends: [
    {
      name: 'claude',
      command: 'env -u CLAUDECODE claude -p --dangerously-skip-permissions',
      comment: 'found at /usr/local/bin/claude',
    },
    {
      name: 'cursor',
      command: 'agent -p --force --workspace "$(pwd)"',
      comment: 'found at /home/user/.local/bin/agent',
    },
    { name: 'codex', command: 'codex exec --full-auto', comment: 'found at /usr/bin/codex' },
  ],
  models: [
    { name: 'opus', backend: 'claude' },
    { name: 'sonnet', backend: 'claude', id: 'sonnet' },
    { name: 'gpt-5.3-codex', backend: 'codex' },
    { name: 'composer', backend: 'cursor', id: 'composer-1' },
  ],
  default: 'opus',
};

describe('renderConfig', () => {
  it('writes a new-format config that parseConfig reads back as given', () => {
    const config = parseConfig(renderConfig(INPUT), FILE);
    expect(config.format).toBe('new');
    expect(config.default).toBe('opus');
    expect(config.backends).toMatchObject({
      claude: { command: INPUT.backends[0]?.command, type: 'claude' },
      cursor: { command: INPUT.backends[1]?.command, type: 'cursor' },
      codex: { command: INPUT.backends[2]?.command, type: 'codex' },
    });
    expect(config.models).toMatchObject({
      opus: { backend: 'claude', id: 'opus', passModel: true },
      sonnet: { backend: 'claude', id: 'sonnet', passModel: true },
      'gpt-5.3-codex': { backend: 'codex', id: 'gpt-5.3-codex' },
      composer: { backend: 'cursor', id: 'composer-1' },
    });
    expect(config.aliases).toEqual({});
  });

  it('explains each backend with its comment', () => {
    const text = renderConfig(INPUT);
    expect(text).toContain('# found at /usr/local/bin/claude');
    expect(text).toContain('# found at /usr/bin/codex');
  });

  it('writes an id only when it differs from the name', () => {
    const text = renderConfig(INPUT);
    expect(text).toMatch(/composer: \{ backend: cursor, id: composer-1 \}/);
    expect(text).toMatch(/sonnet: \{ backend: claude \}/);
  });

  it('leaves the optional settings commented out, so the defaults apply', () => {
    const text = renderConfig(INPUT);
    expect(text).toContain('# timeout_minutes: 30');
    expect(text).toContain('# max_parallel: 4');
    expect(text).toContain('`isolate: true` under a backend');
    const config = parseConfig(text, FILE);
    expect(config.timeoutMinutes).toBe(30);
    expect(config.maxParallel).toBeUndefined();
  });

  it('quotes commands and names that YAML would otherwise misread', () => {
    const tricky = [
      'claude -p --append-system-prompt "be brief: no fluff"',
      "sh -c 'run # not a comment'",
      'agent -p --flag: value',
      '*star-first',
      '&anchor-first --x',
      '!tag-first',
      '{ braces }',
      '[brackets]',
      '%percent',
      '@at',
      '`backtick` cmd',
      'it\'s quoted "twice"',
      'yes',
      'null',
      '- dash first',
      '? question first',
      'tab\there',
      'trailing colon:',
      'unicode ✓ 日本',
    ];
    const input: RenderInput = {
      backends: tricky.map((command, i) => ({ name: `b${i}`, command, comment: `case ${i}` })),
      models: [
        { name: 'true', backend: 'b0' },
        { name: 'model: with colon', backend: 'b1', id: '#hash-id' },
      ],
      default: 'true',
    };
    const config = parseConfig(renderConfig(input), FILE);
    tricky.forEach((command, i) => expect(config.backends[`b${i}`]?.command).toBe(command.trim()));
    expect(config.default).toBe('true');
    expect(config.models.true?.backend).toBe('b0');
    expect(config.models['model: with colon']).toMatchObject({ backend: 'b1', id: '#hash-id' });
  });

  it('writes a config whose default resolves even when it is not a plain word', () => {
    const config = parseConfig(
      renderConfig({ ...INPUT, models: [{ name: 'gpt-5', backend: 'codex' }], default: 'gpt-5' }),
      FILE,
    );
    expect(config.default).toBe('gpt-5');
    expect(config.models['gpt-5']?.backend).toBe('codex');
  });
});
