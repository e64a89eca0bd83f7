import type { Backend } from './backend.js';

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
    command: command === 'dispatch-sim' ? simWorker : command,
    args: [],
    jsonEvents: false,
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
  checkCommand: () => [],
};
