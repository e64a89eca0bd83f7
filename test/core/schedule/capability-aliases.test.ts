import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/parse-config.js';
import {
  aliasesWithCapability,
  knownCapabilities,
  requireCapability,
} from '../../../src/core/schedule/capability-aliases.js';
import { DispatchError } from '../../../src/core/errors.js';

const config = parseConfig(
  [
    'backends: { claude: "claude -p" }',
    'models: { opus: { backend: claude }, sonnet: { backend: claude } }',
    'aliases:',
    '  analyst: { model: sonnet, capabilities: [Research, coding], max_parallel: 2 }',
    '  researcher: { model: opus, capabilities: [research] }',
    '  plain: opus',
  ].join('\n'),
  '/cfg.yaml',
);

describe('capability aliases', () => {
  it('lists the aliases with a capability in config order, ignoring case', () => {
    expect(aliasesWithCapability(config, 'research')).toEqual(['analyst', 'researcher']);
    expect(aliasesWithCapability(config, 'CODING')).toEqual(['analyst']);
    expect(aliasesWithCapability(config, 'art')).toEqual([]);
  });

  it('lists every declared capability once, whatever its case', () => {
    expect(knownCapabilities(config)).toEqual(['coding', 'Research']);
  });

  it('refuses an unknown capability, naming the known ones', () => {
    let error: unknown;
    try {
      requireCapability(config, 'art');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DispatchError);
    expect((error as DispatchError).code).toBe('config');
    expect((error as DispatchError).message).toContain('"art"');
    expect((error as DispatchError).hint).toContain('coding');
  });
});
