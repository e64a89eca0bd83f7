#!/usr/bin/env node
import { complain } from '../sim/log.js';
import { EXIT_INTERNAL, runSimWorker } from '../sim/sim-worker.js';

// The simulated worker's process: `node sim-worker.js PROMPT`, in place of an agent CLI.
const controller = new AbortController();
// A killed worker must go promptly; aborting also stops a running `dispatch ask` child.
process.on('SIGTERM', () => {
  controller.abort();
  process.exit(143);
});
process.on('SIGINT', () => {
  controller.abort();
  process.exit(130);
});

runSimWorker(process.argv.slice(2), controller).then(
  (code) => process.exit(code),
  (error: unknown) => {
    complain(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(EXIT_INTERNAL);
  },
);
