import { packageVersion as installedVersion } from '../operations/package-info.js';

/** The package version, for the MCP handshake (which wants a version number). */
export function packageVersion(): string {
  return installedVersion('0.0.0');
}

/** What the host model is told about the server when it connects: how the tools fit together. */
export const SERVER_INSTRUCTIONS = `agent-dispatch hands coding tasks to background AI worker CLIs (Claude Code, Cursor, Codex, Gemini, …) and relays their questions. Never do a dispatched task yourself.
1. Write a checklist: concrete, verifiable items sized to the task (1-2 for a small edit, 5-8 for an investigation), the last one an output artifact such as "Write findings to output.md" when it fits. Use the model the user named; otherwise say which default you use (dispatch_models).
2. dispatch_run with the items, a title and the request as task; report the task id and plan, and return control to the user.
3. dispatch_wait returns when a worker asks a question or a task finishes; on "timeout" call it again. Relay questions to the user and pass the reply with dispatch_answer; add context with dispatch_note.
4. On completion read the dispatch://tasks/{id}/output resource; on failure use dispatch_status for the cause and offer dispatch_retry, possibly with another installed model.
5. A task run with worktree works on its own branch: show its changes with dispatch_diff, then dispatch_merge or, once the user agrees, dispatch_discard.`;
