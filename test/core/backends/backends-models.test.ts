import { describe, expect, it } from 'vitest';
import {
  AGENT_BACKENDS,
  backendFor,
  backendOfTask,
  defaultCommandFor,
} from '../../../src/core/backends/backend-registry.js';
import { parseModelList } from '../../../src/core/backends/cursor-backend.js';

describe('what the backends say about models', () => {
  it("reads the ids from Cursor's `agent models` listing, skipping headings and tips", () => {
    const output = [
      'Available models',
      '',
      'auto - Auto',
      '  * sonnet-4.5 (default)',
      '- gpt-5 - GPT-5',
      'Tip: use --model',
      'sonnet-4.5 - again',
    ].join('\n');
    expect(parseModelList(output)).toEqual(['auto', 'sonnet-4.5', 'gpt-5']);
  });

  it('lists or suggests models for every agent CLI (opencode lists its own)', () => {
    for (const backend of AGENT_BACKENDS) {
      const listsOwn = backend.modelListing !== undefined;
      const suggests = backend.suggestedModels.length > 0;
      expect({ type: backend.type, known: listsOwn || suggests }).toEqual({
        type: backend.type,
        known: true,
      });
    }
    expect(AGENT_BACKENDS.find((b) => b.type === 'opencode')?.modelListing).toBeDefined();
  });

  it('runs a task of a backend kind it does not know as a generic CLI', () => {
    expect(backendOfTask('future-cli')).toBe(backendFor('generic'));
    expect(backendOfTask(undefined)).toBe(backendFor('generic'));
    expect(backendOfTask('codex')).toBe(backendFor('codex'));
  });

  it('runs the built-in simulated worker with the command the runtime gives it', () => {
    const input = { modelId: 'sim', passModel: false, prompt: 'P', simWorker: 'node sim.js' };
    expect(backendFor('sim').invocation({ ...input, command: 'dispatch-sim' })).toEqual({
      command: 'node sim.js',
      // The prompt goes on standard input.
      args: [],
      jsonEvents: false,
    });
    expect(backendFor('sim').invocation({ ...input, command: 'my-sim --fast' }).command).toBe(
      'my-sim --fast',
    );
  });

  it('writes the default command with the program found, e.g. cursor-agent for agent', () => {
    const cursor = backendFor('cursor');
    expect(defaultCommandFor(cursor, 'agent')).toBe('agent -p --force --workspace "$(pwd)"');
    expect(defaultCommandFor(cursor, 'cursor-agent')).toBe(
      'cursor-agent -p --force --workspace "$(pwd)"',
    );
  });
});
