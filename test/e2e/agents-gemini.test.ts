import { expect, it } from 'vitest';
import { geminiSetup } from '../model-servers/agent-clis.js';
import { agentSuite } from '../model-servers/agent-suite.js';
import { answersAfterToolLimit } from '../model-servers/dispatch-scenarios.js';
import { geminiApi } from '../model-servers/gemini-api.js';

agentSuite(
  {
    name: 'gemini',
    label: 'Gemini',
    api: geminiApi,
    setup: geminiSetup,
    exercises: 'run_shell_command, write_file, dispatch ask, token stats',
    checkCompleted(log, server) {
      expect(log).toContain('→ run_shell_command: { dispatch ask');
      expect(log).toContain('→ write_file: ');
      expect(log).toMatch(/^\[gemini\] finished \(success/m);
      expect(server.requests.some((r) => r.path.includes(':streamGenerateContent'))).toBe(true);
    },
    failures: [
      [401, 'auth', 'failed'],
      [429, 'rate-limit', 'failed'],
      [500, 'service-error', 'failed'],
      ['unreachable', 'network', 'failed'],
    ],
    limitSeconds: 90,
  },
  () => {
    it(
      'gets an answer given after several ask slices, asking one question',
      { timeout: 300_000 },
      async () => {
        // Gemini CLI's shell tool waits as long as the command runs: the slices of 2 s are what
        // `dispatch ask` gives every CLI, and the answer comes only after four of them.
        const { log, asks } = await answersAfterToolLimit(geminiApi, geminiSetup, {
          toolLimitEnv: {},
          sliceSeconds: 2,
          asks: 4,
        });
        expect(asks).toBeGreaterThanOrEqual(4);
        expect(log).toContain('No answer yet to question 001');
      },
    );
  },
);
