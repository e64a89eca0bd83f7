import type { Backend } from './backend.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';

const CLAUDE_FAILURES: FailurePattern[] = [
  {
    kind: 'permission',
    pattern: /--dangerously-skip-permissions cannot be used with root/i,
    advice:
      'Claude Code refuses to skip permissions as root. Run as a normal user, or set IS_SANDBOX=1 in the backend command if this machine is a sandbox.',
  },
  {
    kind: 'auth',
    pattern: /(Invalid API key|Please run \/login|OAuth token has expired)/i,
    advice: 'Run `claude` once and log in (or set ANTHROPIC_API_KEY), then `dispatch retry`.',
  },
  {
    kind: 'rate-limit',
    pattern: /(Claude AI usage limit reached|usage limit reached)/i,
    advice:
      'Claude usage limit reached: `dispatch retry ID --model OTHER` with a model of another backend.',
  },
];

/**
 * Claude Code: `claude -p PROMPT`. We append `--model <id>` (the original dispatcher did not, so
 * opus and sonnet ran the same worker); ids such as opus, sonnet, haiku or full model ids work.
 */
export const claudeBackend: Backend = {
  type: 'claude',
  label: 'Claude Code',
  programs: ['claude'],
  defaultCommand:
    'env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions',
  invocation: ({ command, modelId, passModel, prompt }) => ({
    command,
    args: passModel ? ['--model', modelId, prompt] : [prompt],
  }),
  classifyFailure: (log) => classifyWith([...CLAUDE_FAILURES, ...COMMON_FAILURES], log),
};
