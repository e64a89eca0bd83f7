import { spawnWrapper, type WrapperLaunch } from '../runtime/spawn/spawn-wrapper.js';

/**
 * Entry of the launcher: `node launcher.js`, started by the supervisor with an IPC channel
 * (runtime/spawn/launcher-client.ts). It spawns the worker wrappers the supervisor has prepared,
 * one request at a time, and answers each with the pid or the failure. Forking from this small
 * process instead of the supervisor takes the fork's cost off the supervisor, which meanwhile
 * goes on recording exits and reading tasks on the other core.
 */
const parent = process.ppid;

process.on('message', (message: { seq: number; launch: WrapperLaunch }) => {
  // The supervisor that asked is gone: its claims may be taken over by a new supervisor, which
  // starts the attempt itself, so nothing more is started from here.
  if (process.ppid !== parent) process.exit(0);
  const { cause: _cause, ...outcome } = { cause: undefined, ...spawnWrapper(message.launch) };
  process.send?.({ seq: message.seq, outcome });
});

process.on('disconnect', () => process.exit(0));
