import { expect, it } from 'vitest';
import { codexSetup } from '../model-servers/agent-clis.js';
import { agentSuite } from '../model-servers/agent-suite.js';
import { answersAfterToolLimit } from '../model-servers/dispatch-scenarios.js';
import { openaiResponsesApi } from '../model-servers/openai-responses-api.js';

agentSuite(
  {
    name: 'codex',
    label: 'Codex',
    api: openaiResponsesApi,
    setup: codexSetup,
    exercises: 'exec_command, dispatch ask, usage per turn',
    checkCompleted(log, server) {
      expect(log).toMatch(/^→ \$ .*dispatch ask 'Which greeting/m);
      expect(log).toMatch(/^\[codex\] thread /m);
      expect(server.requests.every((r) => r.path === '/v1/responses')).toBe(true);
    },
    failures: [
      [401, 'auth', 'failed'],
      [429, 'rate-limit', 'failed'],
      [500, 'service-error', 'failed'],
      // Codex does not give up on an unreachable service: it waits for the network, and says so.
      ['unreachable', 'network', 'running'],
    ],
    limitSeconds: 60,
  },
  () => {
    it(
      'gets an answer given after several ask slices, asking one question',
      { timeout: 300_000 },
      async () => {
        // Codex's exec_command yields after 30 s (the model then polls the session); slices of 2 s
        // end well before, and the answer comes only after four of them.
        const { log, asks } = await answersAfterToolLimit(openaiResponsesApi, codexSetup, {
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
