import type { Backend } from './backend.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';

const CODEX_FAILURES: FailurePattern[] = [
  {
    kind: 'permission',
    pattern: /unexpected argument '--full-auto'/i,
    advice:
      'This Codex no longer accepts --full-auto: use `codex exec --dangerously-bypass-approvals-and-sandbox` (or `--sandbox workspace-write`) in the config.',
  },
  {
    kind: 'permission',
    pattern: /Not inside a trusted directory|--skip-git-repo-check/i,
    advice:
      'Codex refuses to run outside a git repository: add --skip-git-repo-check to the codex command.',
  },
  {
    kind: 'auth',
    pattern: /(OPENAI_API_KEY|codex login|Not signed in)/i,
    advice: 'Run `codex login` (or set OPENAI_API_KEY), then `dispatch retry`.',
  },
];

/** Codex: `codex exec --model <id> PROMPT`. */
export const codexBackend: Backend = {
  type: 'codex',
  label: 'Codex',
  programs: ['codex'],
  defaultCommand: 'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
  invocation: ({ command, modelId, passModel, prompt }) => ({
    command,
    args: passModel ? ['--model', modelId, prompt] : [prompt],
  }),
  classifyFailure: (log) => classifyWith([...CODEX_FAILURES, ...COMMON_FAILURES], log),
};
