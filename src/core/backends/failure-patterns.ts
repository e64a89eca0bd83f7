import { FAILURE_LABELS, type FailureCause, type FailureKind } from './backend.js';
import { TOOL_OUTPUT } from './render-helpers.js';

export interface FailurePattern {
  kind: FailureKind;
  pattern: RegExp;
  advice: string;
  /** The failure passes by itself: retried once (see FailureCause.transient). */
  transient?: boolean;
}

/**
 * Messages most agent CLIs print for the same causes (the quoted ones are what the real CLIs
 * print against a server answering 401, 429, 500 or not listening; see docs/backends.md).
 * Backends put their own in front.
 */
export const COMMON_FAILURES: readonly FailurePattern[] = [
  {
    kind: 'not-installed',
    pattern: /(command not found|: not found$|No such file or directory|\bENOENT\b)/i,
    advice: 'Install the CLI or fix the command in the config (dispatch doctor checks it).',
  },
  {
    kind: 'bad-command',
    pattern:
      /(unexpected argument|unknown option|unknown argument|unrecognized option|Unknown arguments?:|requires --verbose)/i,
    advice:
      'The installed CLI rejects an option of the configured command: fix the command in the config (dispatch doctor names the option).',
  },
  {
    kind: 'auth',
    pattern:
      /((invalid|incorrect) (x-)?api[ _-]?key|api key not valid|authentication[ _-]?(failed|error)|unauthori[sz]ed|\b401\b|UNAUTHENTICATED|not logged in|please (run \/)?log ?in|login required)/i,
    advice: 'Log in to the CLI (or set its API key), then `dispatch retry`.',
  },
  {
    kind: 'rate-limit',
    pattern:
      /(rate[ _-]?limit|\b429\b|quota|too many requests|usage limit|exceeded your current|resource (has been )?exhausted|RESOURCE_EXHAUSTED)/i,
    advice: 'Wait for the limit to reset, or `dispatch retry ID --model OTHER` with another model.',
  },
  {
    kind: 'model-unavailable',
    pattern:
      /(model(?! metadata).{0,40}(not found|not available|does not exist|unsupported|invalid)|unknown model|no such model|model_not_found)/i,
    advice: 'Pick a model the CLI offers (`--model`), or fix the model id in the config.',
  },
  {
    kind: 'network',
    pattern:
      /(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|network error|unable to connect|cannot connect|connection (refused|error|reset|failed)|fetch failed|waiting for network)/i,
    advice:
      'Check the network or the service URL (a proxy, a base URL setting), then `dispatch retry`.',
  },
  {
    kind: 'service-error',
    pattern:
      /(\b5\d\d\b.{0,40}(error|server)|internal (server )?error|server had an error|overloaded|service unavailable|high demand|server-side issue|api error)/i,
    advice: 'The model service failed; `dispatch retry` later, or with another model.',
  },
];

/**
 * The cause of a failure: the newest log line that matches a pattern names it (an agent CLI's
 * last error is the one that ended it; earlier warnings are not the cause). On one line, the
 * first pattern in the list wins. Tool output, as the log filter marks it, is skipped.
 */
export function classifyWith(
  patterns: readonly FailurePattern[],
  log: string,
): FailureCause | undefined {
  const lines = log.split(/\r?\n/).slice(-200);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as string).trim();
    // A tool's output (a failing test printing "401") says nothing about the CLI itself.
    if (!line || line.startsWith(TOOL_OUTPUT.trim())) continue;
    const match = patterns.find(({ pattern }) => pattern.test(line));
    if (match) {
      return {
        kind: match.kind,
        label: FAILURE_LABELS[match.kind],
        evidence: line.slice(0, 300),
        advice: match.advice,
        ...(match.transient ? { transient: true } : {}),
      };
    }
  }
  return undefined;
}
