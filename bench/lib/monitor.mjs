// The baseline: the original dispatcher's per-task monitor, the bash loop of seed 001 verbatim,
// except that the IPC folder comes from "$1" instead of being pasted into the script text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { start } from './proc.mjs';

export const MONITOR_SCRIPT = `#!/bin/bash
IPC_DIR="$1"
TIMEOUT=1800  # 30 minutes
START=$(date +%s)
shopt -s nullglob

while true; do
  # Exit if task is complete
  [ -f "$IPC_DIR/.done" ] && exit 0

  # Exit if unanswered question found
  for q in "$IPC_DIR"/*.question; do
    seq=$(basename "$q" .question)
    [ ! -f "$IPC_DIR/\${seq}.answer" ] && exit 0
  done

  # Exit if timeout exceeded
  ELAPSED=$(( $(date +%s) - START ))
  [ "$ELAPSED" -ge "$TIMEOUT" ] && exit 1

  sleep 3
done
`;

/** Writes the monitor script into the sandbox and returns its path. */
export function writeMonitor(sandbox) {
  const path = join(sandbox.base, 'monitor.sh');
  writeFileSync(path, MONITOR_SCRIPT, { mode: 0o700 });
  return path;
}

/**
 * Starts one monitor on an IPC folder, as the original did (`bash /tmp/monitor--<id>.sh`), in its
 * own process group so it and its `sleep` can be stopped together.
 */
export function startMonitor(sandbox, script, ipcDir) {
  return start('bash', [script, ipcDir], {
    cwd: sandbox.base,
    env: sandbox.env,
    detached: true,
    stdio: 'ignore',
  });
}

/**
 * Runs one monitor per folder under a bash parent of our own. On SIGTERM it kills them, reaps
 * them and prints `times`, whose second line is the CPU time (getrusage of reaped children,
 * millisecond precision) of the monitors and everything they ran (`date`, `sleep`). Reading
 * /proc ticks instead would truncate each monitor's few milliseconds per poll to 10 ms steps.
 */
const GROUP_SCRIPT = `#!/bin/bash
monitor=$1
shift
pids=()
trap 'kill -KILL "\${pids[@]}" 2>/dev/null; wait; times; exit 0' TERM
for dir in "$@"; do
  bash "$monitor" "$dir" >/dev/null 2>&1 &
  pids+=($!)
done
wait
`;

/** Starts the monitors; `stop()` ends them and resolves with their CPU seconds. */
export function startMonitorGroup(sandbox, script, ipcDirs) {
  const path = join(sandbox.base, 'monitor-group.sh');
  writeFileSync(path, GROUP_SCRIPT, { mode: 0o700 });
  const { child, done } = start('bash', [path, script, ...ipcDirs], {
    cwd: sandbox.base,
    env: sandbox.env,
    detached: true,
  });
  return {
    pid: /** @type {number} */ (child.pid),
    async stop() {
      child.kill('SIGTERM');
      const run = await done;
      const line = run.stdout.trim().split('\n')[1] ?? '';
      const seconds = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map(
        (m) => Number(m[1]) * 60 + Number(m[2]),
      );
      if (seconds.length !== 2)
        throw new Error(`monitor group printed no times: ${run.stdout}${run.stderr}`);
      return (seconds[0] ?? 0) + (seconds[1] ?? 0);
    },
  };
}
