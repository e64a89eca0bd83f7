import { validSessionId } from '../task/worker-session.js';
import type { EventRenderer } from './backend.js';
import { addStep, count, flushText, oneLine, record, toolOutput } from './render-helpers.js';
import { retryingLine } from './retrying.js';

/**
 * `codex exec --json` events as text: agent messages, commands with their exit code and first
 * lines of output, file changes, errors; each `turn.completed` reports that turn's usage (input
 * tokens include the cached ones; Codex reports no cost).
 */
export const codexEvents: EventRenderer = {
  render(event, state) {
    const lines = flushText(state);
    const item = record(event.item);
    switch (event.type) {
      case 'thread.started':
        state.session ??= validSessionId(event.thread_id);
        lines.push(`[codex] thread ${String(event.thread_id ?? '?')}`);
        break;
      case 'item.started':
        if (item.type === 'command_execution') lines.push(`→ $ ${oneLine(item.command)}`);
        break;
      case 'item.completed':
        switch (item.type) {
          case 'agent_message':
            lines.push(...String(item.text ?? '').split('\n'));
            break;
          case 'command_execution':
            lines.push(
              ...toolOutput(`exit ${String(item.exit_code ?? '?')}`),
              ...toolOutput(item.aggregated_output),
            );
            break;
          case 'file_change': {
            const changes = Array.isArray(item.changes) ? item.changes.map(record) : [];
            lines.push(
              `→ edit: ${changes.map((c) => `${String(c.kind ?? '')} ${String(c.path ?? '')}`).join(', ')}`,
            );
            break;
          }
          case 'mcp_tool_call':
            lines.push(`→ ${String(item.server ?? 'mcp')}.${String(item.tool ?? '?')}`);
            break;
          case 'error':
            // Item errors do not end the turn (e.g. "Model metadata … not found").
            lines.push(`[codex] warning: ${oneLine(item.message, 300)}`);
            break;
        }
        break;
      case 'turn.completed': {
        const usage = record(event.usage);
        const cached = count(usage.cached_input_tokens);
        addStep(state, {
          inputTokens: count(usage.input_tokens),
          outputTokens: count(usage.output_tokens),
          cacheReadTokens: cached,
        });
        break;
      }
      case 'turn.failed':
        lines.push(`[codex] error: ${oneLine(record(event.error).message, 300)}`);
        break;
      case 'error': {
        // "Reconnecting... 2/5 (unexpected status 401 Unauthorized: …)": a retried request.
        const message = oneLine(event.message, 300);
        const retry = /^Reconnecting\.*\s*(\d+)\/(\d+)\s*\((.*)\)$/.exec(message);
        lines.push(
          retry
            ? retryingLine('codex', retry[3] as string, {
                attempt: Number(retry[1]),
                of: Number(retry[2]),
              })
            : `[codex] error: ${message}`,
        );
        break;
      }
    }
    return lines;
  },
};
