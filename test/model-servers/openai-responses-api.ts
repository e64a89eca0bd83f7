import type { ServerResponse } from 'node:http';
import { REPLY_USAGE, nextId, sendSse, type ApiAdapter, type ApiRequest } from './model-server.js';
import { openaiErrorBody } from './openai-errors.js';
import {
  isSessionMessage,
  nextAction,
  type ScriptAction,
  type ToolResult,
} from './worker-script.js';

/**
 * The OpenAI Responses API as Codex uses it (a `model_providers` entry with `base_url` and
 * `wire_api = "responses"`): POST /v1/responses, streamed as server-sent events. Tool calls are
 * `function_call` output items; results come back as `function_call_output` input items.
 */
interface InputItem {
  type?: string;
  role?: string;
  content?: string | { type: string; text?: string }[];
  output?: string | { type: string; text?: string }[];
}

function itemText(value: InputItem['content']): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return value.map((part) => part.text ?? '').join('\n');
}

function conversation(input: InputItem[]): { prompt: string; results: ToolResult[] } {
  const prompt =
    input
      .filter((item) => item.role === 'user')
      .map((item) => itemText(item.content))
      .find((text) => text.includes('Plan file:')) ?? '';
  // Tool results, and the message that resumed the session, in order.
  const results = input.flatMap((item): ToolResult[] => {
    if (item.type === 'function_call_output') return [{ output: itemText(item.output) }];
    const text = item.role === 'user' ? itemText(item.content) : '';
    return isSessionMessage(text) ? [{ output: text, message: true }] : [];
  });
  return { prompt, results };
}

function outputItem(action: ScriptAction): Record<string, unknown> {
  const call = (name: string, args: unknown) => ({
    type: 'function_call',
    id: nextId('fc_'),
    call_id: nextId('call_'),
    name,
    arguments: JSON.stringify(args),
    status: 'completed',
  });
  switch (action.kind) {
    case 'shell':
      // login: false, because a login shell rereads /etc/profile, which may reset PATH and so
      // lose the `dispatch` the worker has on it (see docs/backends.md).
      return call('exec_command', { cmd: action.command, login: false, yield_time_ms: 30000 });
    case 'write':
      // Codex offers no file tool for an unknown model: write through the shell.
      return call('exec_command', {
        cmd: `cat > '${action.path.replace(/'/g, `'\\''`)}' <<'SCRIPTED_EOF'\n${action.content}SCRIPTED_EOF`,
        login: false,
      });
    case 'poll':
      return call('write_stdin', { session_id: action.session, chars: '', yield_time_ms: 30000 });
    case 'text':
      return {
        type: 'message',
        id: nextId('msg_'),
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: action.text, annotations: [] }],
      };
  }
}

/** The Responses API answered by another script than the worker's (see worker-script.ts). */
export function openaiResponsesApiWith(
  script: (prompt: string, results: ToolResult[]) => ScriptAction,
): ApiAdapter {
  return {
    name: 'OpenAI Responses',
    reply: (request, res) => replyWith(script, request, res),
    errorBody: openaiErrorBody,
  };
}

export const openaiResponsesApi: ApiAdapter = openaiResponsesApiWith(nextAction);

function replyWith(
  script: (prompt: string, results: ToolResult[]) => ScriptAction,
  request: ApiRequest,
  res: ServerResponse,
): boolean {
  const body = (request.body ?? {}) as { input?: InputItem[]; model?: string };
  const { prompt, results } = conversation(body.input ?? []);
  const item = outputItem(script(prompt, results));
  const id = nextId('resp_');
  sendSse(res, [
    { event: 'response.created', data: { type: 'response.created', response: { id } } },
    {
      event: 'response.output_item.added',
      data: { type: 'response.output_item.added', output_index: 0, item },
    },
    {
      event: 'response.output_item.done',
      data: { type: 'response.output_item.done', output_index: 0, item },
    },
    {
      event: 'response.completed',
      data: {
        type: 'response.completed',
        response: {
          id,
          model: body.model,
          usage: {
            input_tokens: REPLY_USAGE.input,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: REPLY_USAGE.output,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: REPLY_USAGE.input + REPLY_USAGE.output,
          },
        },
      },
    },
  ]);
  return prompt !== '';
}
