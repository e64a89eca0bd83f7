import { validSessionId } from '../task/worker-session.js';
import type { EventRenderer } from './backend.js';
import {
  addStep,
  count,
  flushText,
  oneLine,
  record,
  toolCall,
  toolOutput,
} from './render-helpers.js';

/**
 * `opencode run --format json` events as text: text parts, tool calls with their result,
 * errors; each `step_finish` reports that step's tokens and cost (input tokens here include the
 * cached ones, which opencode counts apart).
 */
export const opencodeEvents: EventRenderer = {
  render(event, state) {
    const lines = flushText(state);
    state.session ??= validSessionId(event.sessionID);
    const part = record(event.part);
    switch (event.type) {
      case 'text':
        lines.push(...String(part.text ?? '').split('\n'));
        break;
      case 'tool_use': {
        const tool = record(part.state);
        lines.push(toolCall(part.tool, tool.input));
        lines.push(
          ...toolOutput(
            tool.status === 'error' ? `error: ${String(tool.error ?? '')}` : tool.output,
          ),
        );
        break;
      }
      case 'step_finish': {
        const tokens = record(part.tokens);
        const cache = record(tokens.cache);
        const cacheRead = count(cache.read);
        const cacheWrite = count(cache.write);
        addStep(state, {
          inputTokens: count(tokens.input) + cacheRead + cacheWrite,
          outputTokens: count(tokens.output) + count(tokens.reasoning),
          cacheReadTokens: cacheRead,
          cacheWriteTokens: cacheWrite,
          ...(typeof part.cost === 'number' ? { costUsd: part.cost } : {}),
        });
        break;
      }
      case 'error': {
        const error = record(event.error);
        const data = record(error.data);
        lines.push(
          `[opencode] error: ${String(error.name ?? 'Error')}: ${oneLine(data.message ?? error.message, 300)}`,
        );
        break;
      }
    }
    return lines;
  },
};
