import type { Backend } from './backend.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';

const GEMINI_FAILURES: FailurePattern[] = [
  {
    kind: 'auth',
    pattern: /(GEMINI_API_KEY|auth method|Please set an Auth method)/i,
    advice: 'Set GEMINI_API_KEY or log in with `gemini`, then `dispatch retry`.',
  },
  {
    kind: 'rate-limit',
    pattern: /(RESOURCE_EXHAUSTED|Quota exceeded)/i,
    advice: 'Gemini quota reached: `dispatch retry ID --model OTHER`.',
  },
];

/**
 * Gemini CLI: headless with `--prompt PROMPT`. When the configured command already ends in
 * `-p`/`--prompt`, the prompt must come right after it, so the model flag follows the prompt.
 */
export const geminiBackend: Backend = {
  type: 'gemini',
  label: 'Gemini CLI',
  programs: ['gemini'],
  defaultCommand: 'gemini --yolo',
  invocation: ({ command, modelId, passModel, prompt }) => {
    const model = passModel ? ['--model', modelId] : [];
    if (/\s(-p|--prompt)\s*$/.test(command)) return { command, args: [prompt, ...model] };
    return { command, args: [...model, '--prompt', prompt] };
  },
  classifyFailure: (log) => classifyWith([...GEMINI_FAILURES, ...COMMON_FAILURES], log),
};
