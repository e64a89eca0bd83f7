import { expect } from 'vitest';
import { opencodeSetup } from '../model-servers/agent-clis.js';
import { agentSuite } from '../model-servers/agent-suite.js';
import { openaiChatApi } from '../model-servers/openai-chat-api.js';

agentSuite({
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
});
