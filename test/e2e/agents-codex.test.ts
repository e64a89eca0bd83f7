import { expect } from 'vitest';
import { codexSetup } from '../model-servers/agent-clis.js';
import { agentSuite } from '../model-servers/agent-suite.js';
import { openaiResponsesApi } from '../model-servers/openai-responses-api.js';

agentSuite({
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
});
