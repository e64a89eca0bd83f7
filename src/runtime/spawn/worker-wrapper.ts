/**
 * The tiny sh program every worker runs under. The configured command is the only text the
 * shell parses; the prompt and model arrive as "$@", so nothing the user or a model wrote is
 * ever interpreted by a shell. When the worker ends, the wrapper appends its exit status to
 * events.jsonl itself, so the status survives even if no dispatch process is alive to see it.
 *
 * With a log filter (a CLI printing JSON events), the CLI's standard output goes through the
 * filter into worker.log (its standard error still goes straight there). The pipeline is built
 * so that the status recorded is the CLI's, not the filter's, and only after the filter has
 * written everything: a reader that sees `exited` also sees the whole log and the `usage` event.
 * fd 4 carries the CLI's status out of the pipeline; neither the CLI nor the filter keeps it
 * open, so a background process the CLI leaves behind cannot hold the wrapper up.
 *
 * The `exited` record goes to fd 5, events.jsonl opened by the launcher without following a
 * symbolic link (a shell's `>>` would follow one); the worker never inherits it. It starts on a
 * new line when the file ends in a line torn by a crash, so it is never glued to that line.
 *
 * A signal sent to the wrapper (cancel and the timeout signal the whole group) is trapped: the
 * wrapper waits for the CLI to end and records the signal with its status. An exit status above
 * 128 is a death by signal only then; a CLI may exit with such a code on its own (Gemini CLI exits
 * 145 or 173). The traps are reset in the commands the wrapper runs, so the CLI still dies of them.
 */
export function workerWrapperScript(command: string, filter?: string): string {
  const run = filter
    ? [
        'exec 3>&1',
        `s=$( { { ${command} "$@" 3>&- 4>&- 5>&-; echo $? >&4; } | ${filter} >&3 3>&- 4>&- 5>&-; } 4>&1 )`,
        'exec 3>&-',
        // No status at all means the subshell itself was killed: not a success.
        's=${s:-1}',
      ]
    : [`${command} "$@" 5>&-`, 's=$?'];
  return [
    'g=',
    ...['TERM', 'INT', 'HUP'].map((signal) => `trap 'g=SIG${signal}' ${signal}`),
    ...run,
    // Milliseconds where date knows %N (GNU, busybox); whole seconds elsewhere (BSD, macOS).
    't=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)',
    'case $t in *N*) t=$(date -u +%Y-%m-%dT%H:%M:%SZ) ;; esac',
    // Only the last byte is read through the path, to tell whether the file ends mid-line; only
    // from a plain file (never a link or a FIFO, which could hold the wrapper up).
    'n=; e="$DISPATCH_TASK_DIR/events.jsonl"',
    `[ -f "$e" ] && [ ! -L "$e" ] && [ -n "$(tail -c 1 "$e" 2>/dev/null)" ] && n='\\n'`,
    `printf "$n"'{"type":"exited","time":"%s","attempt":%d,"code":%d%s}\\n' "$t" "$DISPATCH_ATTEMPT" "$s" "\${g:+,\\"signal\\":\\"$g\\"}" >&5`,
    'exit "$s"',
  ].join('\n');
}

/** The wrapper's file descriptor for events.jsonl (see above). */
export const EVENTS_FD = 5;

/** $0 of the wrapper, which is what `ps` shows for it. */
export const WRAPPER_NAME = 'dispatch-worker';
