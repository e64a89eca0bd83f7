import { expect } from 'vitest';
import { geminiSetup } from '../model-servers/agent-clis.js';
import { agentSuite } from '../model-servers/agent-suite.js';
import { geminiApi } from '../model-servers/gemini-api.js';

agentSuite({
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
});
