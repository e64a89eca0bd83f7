import { expect, it } from 'vitest';
import { opencodeSetup } from '../model-servers/agent-clis.js';
import { agentSuite } from '../model-servers/agent-suite.js';
import { answersAfterToolLimit } from '../model-servers/dispatch-scenarios.js';
import { openaiChatApi } from '../model-servers/openai-chat-api.js';

agentSuite(
  {
    name: 'opencode',
    label: 'opencode',
    api: openaiChatApi,
    setup: opencodeSetup,
    exercises: 'bash and write tools, dispatch ask, tokens per step',
    checkCompleted(log, server) {
      expect(log).toContain('→ bash: { dispatch ask');
      expect(log).toContain('→ write: ');
      expect(server.requests.every((r) => r.path === '/v1/chat/completions')).toBe(true);
    },
    failures: [
      [401, 'auth', 'failed'],
      // opencode retries a 429, a 500 or a refused connection for a minute or more; its error log
      // names the cause meanwhile.
      [429, 'rate-limit', 'running'],
      [500, 'service-error', 'running'],
      ['unreachable', 'network', 'running'],
    ],
    limitSeconds: 60,
  },
  () => {
    it(
      'gets an answer given after its bash tool limit, asking one question in slices',
      { timeout: 300_000 },
      async () => {
        // The bash tool kills its command after 6 s here (120 s by default); slices of 2 s fit
        // in it, and the answer comes only after four of them.
        const { log, asks } = await answersAfterToolLimit(openaiChatApi, opencodeSetup, {
          toolLimitEnv: { OPENCODE_EXPERIMENTAL_BASH_DEFAULT_TIMEOUT_MS: '6000' },
          sliceSeconds: 2,
          asks: 4,
        });
        expect(asks).toBeGreaterThanOrEqual(4);
        expect(log).toContain('No answer yet to question 001');
      },
    );
  },
);
