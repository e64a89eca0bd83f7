import type { FailureCause, FailureKind } from './backend.js';

export interface FailurePattern {
  kind: FailureKind;
  pattern: RegExp;
  advice: string;
}

/** Messages most agent CLIs print for the same causes; backends add their own in front. */
export const COMMON_FAILURES: readonly FailurePattern[] = [
  {
    kind: 'not-installed',
    pattern: /(command not found|not found: |:\s*not found\s*$|No such file or directory|ENOENT)/i,
    advice: 'Install the CLI or fix the command in the config (dispatch doctor checks it).',
  },
  {
    kind: 'auth',
    pattern:
      /(invalid api key|invalid x-api-key|authentication[ _-]?(failed|error)|unauthori[sz]ed|\b401\b|not logged in|please log ?in|login required|run .*login)/i,
    advice: 'Log in to the CLI (or set its API key), then `dispatch retry`.',
  },
  {
    kind: 'rate-limit',
    pattern: /(rate[ _-]?limit|\b429\b|quota|too many requests|usage limit|exceeded your current)/i,
    advice: 'Wait for the limit to reset, or `dispatch retry ID --model OTHER` with another model.',
  },
  {
    kind: 'model-unavailable',
    pattern:
      /(model.{0,40}(not found|not available|does not exist|unsupported|invalid)|unknown model|no such model)/i,
    advice: 'Pick a model the CLI offers (`--model`), or fix the model id in the config.',
  },
  {
    kind: 'network',
    pattern:
      /(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|network error|unable to connect|connection (refused|error|reset)|fetch failed)/i,
    advice: 'Check the network or the service URL, then `dispatch retry`.',
  },
  {
    kind: 'service-error',
    pattern:
      /(\b5\d\d\b.{0,40}(error|server)|internal server error|overloaded|service unavailable|api error)/i,
    advice: 'The model service failed; `dispatch retry` later or with another model.',
  },
];

export function classifyWith(
  patterns: readonly FailurePattern[],
  log: string,
): FailureCause | undefined {
  const lines = log.split(/\r?\n/).slice(-200);
  for (const { kind, pattern, advice } of patterns) {
    const line = lines.find((candidate) => pattern.test(candidate));
    if (line) return { kind, evidence: line.trim().slice(0, 300), advice };
  }
  return undefined;
}
