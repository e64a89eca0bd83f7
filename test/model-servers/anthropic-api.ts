import type { ServerResponse } from 'node:http';
import {
  REPLY_USAGE,
  nextId,
  sendJson,
  sendSse,
  type ApiAdapter,
  type ApiRequest,
} from './model-server.js';
import {
  isSessionMessage,
  nextAction,
  type ScriptAction,
  type ToolResult,
} from './worker-script.js';

/**
 * The Anthropic Messages API as Claude Code uses it (ANTHROPIC_BASE_URL): POST /v1/messages,
 * streamed as server-sent events; tool calls are `tool_use` blocks, their results come back as
 * `tool_result` blocks in the next user message.
 */
interface Block {
  type: string;
  text?: string;
  content?: string | Block[];
}
interface Message {
  role: string;
  content: string | Block[];
}

function blocks(message: Message): Block[] {
  return typeof message.content === 'string'
    ? [{ type: 'text', text: message.content }]
    : message.content;
}

function blockText(content: string | Block[] | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((block) => block.text ?? '').join('\n');
}

function conversation(body: { messages?: Message[] }): { prompt: string; results: ToolResult[] } {
  const all = (body.messages ?? []).filter((m) => m.role === 'user').flatMap(blocks);
  const prompt = all.find((b) => b.type === 'text' && b.text?.includes('Plan file:'))?.text ?? '';
  // Tool results, and the message that resumed the session, in order.
  const results = all.flatMap((b): ToolResult[] => {
    if (b.type === 'tool_result') return [{ output: blockText(b.content) }];
    if (b.type === 'text' && isSessionMessage(b.text ?? ''))
      return [{ output: b.text ?? '', message: true }];
    return [];
  });
  return { prompt, results };
}

function contentBlock(action: ScriptAction): Record<string, unknown> {
  switch (action.kind) {
    case 'shell':
      return {
        type: 'tool_use',
        id: nextId('toolu_'),
        name: 'Bash',
        input: { command: action.command, description: 'scripted step', timeout: 600000 },
      };
    case 'write':
      return {
        type: 'tool_use',
        id: nextId('toolu_'),
        name: 'Write',
        input: { file_path: action.path, content: action.content },
      };
    case 'poll':
      return { type: 'text', text: 'Waiting.' };
    case 'text':
      return { type: 'text', text: action.text };
  }
}

function streamMessage(res: ServerResponse, model: string, block: Record<string, unknown>): void {
  const usage = {
    input_tokens: REPLY_USAGE.input,
    output_tokens: 1,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  const start =
    block.type === 'text'
      ? { type: 'text', text: '' }
      : { type: 'tool_use', id: block.id, name: block.name, input: {} };
  const delta =
    block.type === 'text'
      ? { type: 'text_delta', text: block.text }
      : { type: 'input_json_delta', partial_json: JSON.stringify(block.input) };
  const stop = block.type === 'text' ? 'end_turn' : 'tool_use';
  sendSse(res, [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: nextId('msg_'),
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage,
        },
      },
    },
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: start },
    },
    { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta } },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: stop, stop_sequence: null },
        usage: { output_tokens: REPLY_USAGE.output },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ]);
}

export const anthropicApi: ApiAdapter = {
  name: 'Anthropic Messages',
  reply(request: ApiRequest, res: ServerResponse) {
    const body = (request.body ?? {}) as { model?: string; stream?: boolean; messages?: Message[] };
    if (request.path.startsWith('/v1/messages/count_tokens')) {
      sendJson(res, 200, { input_tokens: REPLY_USAGE.input });
      return false;
    }
    const { prompt, results } = conversation(body);
    const block = contentBlock(nextAction(prompt, results));
    const model = body.model ?? 'scripted';
    if (body.stream) {
      streamMessage(res, model, block);
      return prompt !== '';
    }
    sendJson(res, 200, {
      id: nextId('msg_'),
      type: 'message',
      role: 'assistant',
      model,
      content: [block],
      stop_reason: block.type === 'text' ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: REPLY_USAGE.input, output_tokens: REPLY_USAGE.output },
    });
    return prompt !== '';
  },
  errorBody(status) {
    const [type, message] =
      status === 401
        ? ['authentication_error', 'invalid x-api-key']
        : status === 429
          ? ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit']
          : status === 529
            ? ['overloaded_error', 'Overloaded']
            : ['api_error', 'Internal server error'];
    return { type: 'error', error: { type, message } };
  },
};

/**
 * The Anthropic Messages API playing another script: `next` picks the step from the whole
 * request's messages (a resumed session sends the earlier conversation with its new message).
 * A request without the worker prompt (a side request of the CLI) gets a short text.
 */
export function anthropicApiWith(
  next: (messages: readonly { role: string; content: unknown }[]) => ScriptAction,
): ApiAdapter {
  return {
    ...anthropicApi,
    reply(request, res) {
      const body = (request.body ?? {}) as {
        model?: string;
        stream?: boolean;
        messages?: Message[];
      };
      if (request.path.startsWith('/v1/messages/count_tokens'))
        return anthropicApi.reply(request, res);
      const { prompt } = conversation(body);
      const action: ScriptAction = prompt
        ? next(body.messages ?? [])
        : { kind: 'text', text: 'Scripted model: no dispatch worker prompt here.' };
      const block = contentBlock(action);
      if (body.stream === false) return anthropicApi.reply(request, res);
      streamMessage(res, body.model ?? 'scripted', block);
      return prompt !== '';
    },
  };
}
