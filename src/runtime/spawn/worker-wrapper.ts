/**
 * The tiny sh program every worker runs under. The configured command is the only text the
 * shell parses; the prompt and model arrive as "$@", so nothing the user or a model wrote is
 * ever interpreted by a shell. When the worker ends, the wrapper appends its exit status to
 * events.jsonl itself, so the status survives even if no dispatch process is alive to see it.
 */
export function workerWrapperScript(command: string): string {
  return [
    `${command} "$@"`,
    's=$?',
    `printf '{"type":"exited","time":"%s","attempt":%d,"code":%d}\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$DISPATCH_ATTEMPT" "$s" >> "$DISPATCH_TASK_DIR/events.jsonl"`,
    'exit "$s"',
  ].join('\n');
}

/** $0 of the wrapper, which is what `ps` shows for it. */
export const WRAPPER_NAME = 'dispatch-worker';
