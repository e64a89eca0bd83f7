import type { Backend } from './backend.js';
import { opencodeEvents } from './opencode-events.js';

/**
 * `dispatch-sim --format json`: the simulated worker reports the usage its `usage:` items script
 * as opencode's `step_finish` JSON events, so they go through the log filter and the same parser
 * as a real CLI's (docs/simulated-worker.md). Without it no log filter runs: a plain simulated
 * worker costs no extra process.
 */
const JSON_FORMAT = /(^|\s)--format[ =]json(\s|$)/;

/**
 * The built-in simulated worker: runs with this very Node.js, needs no install and no model. Its
 * configured command `dispatch-sim` stands for the shell words the runtime passes in as
 * `simWorker` (the compiled worker's path is known only where the package is installed).
 */
export const simBackend: Backend = {
  type: 'sim',
  label: 'simulated worker',
  programs: [],
  builtIn: true,
  suggestedModels: [],
  install: 'built in',
  helpArgs: [],
  defaultCommand: 'dispatch-sim',
  promptInput: 'stdin',
  invocation: ({ command, simWorker }) => ({
    command: /^dispatch-sim(\s|$)/.test(command)
      ? `${simWorker}${command.slice('dispatch-sim'.length)}`
      : command,
    args: [],
    jsonEvents: JSON_FORMAT.test(command),
  }),
  // The simulated worker keeps its sessions under $HOME, as the real CLIs do (src/sim/sim-session.ts).
  resume: {
    invocation: (input, session) => ({
      ...simBackend.invocation(input),
      args: ['--resume', session],
    }),
    lost: /no simulated session [^\s]+ to resume/,
  },
  classifyFailure: () => undefined,
  events: opencodeEvents,
  reportsCost: 'live',
  checkCommand: () => [],
};
