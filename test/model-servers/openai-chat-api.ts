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
 * The OpenAI Chat Completions API as opencode's OpenAI-compatible provider uses it:
 * POST /v1/chat/completions, streamed as `chat.completion.chunk` events ending in [DONE]. Tool
 * calls are `tool_calls` deltas; results come back as `tool` messages. A request without tools
 * (opencode's title generator) gets a short title.
 */
interface ChatMessage {
  role: string;
  content?: string | { type: string; text?: string }[] | null;
}

function messageText(content: ChatMessage['content']): string {
  if (!content) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('\n');
}

function conversation(messages: ChatMessage[]): { prompt: string; results: ToolResult[] } {
  const prompt =
    messages
      .filter((m) => m.role === 'user')
      .map((m) => messageText(m.content))
      .find((text) => text.includes('Plan file:')) ?? '';
  // Tool results, and the message that resumed the session, in order.
  const results = messages.flatMap((m): ToolResult[] => {
    if (m.role === 'tool') return [{ output: messageText(m.content) }];
    const text = m.role === 'user' ? messageText(m.content) : '';
    return isSessionMessage(text) ? [{ output: text, message: true }] : [];
  });
  return { prompt, results };
}

function delta(action: ScriptAction): { delta: Record<string, unknown>; finish: string } {
  const call = (name: string, args: unknown) => ({
    delta: {
      role: 'assistant',
      tool_calls: [
        {
          index: 0,
          id: nextId('call_'),
          type: 'function',
          function: { name, arguments: JSON.stringify(args) },
        },
      ],
    },
    finish: 'tool_calls',
  });
  switch (action.kind) {
    case 'shell':
      // No `timeout`: the CLI's own limit applies, the worst case `dispatch ask` slices are for.
      return call('bash', { command: action.command, description: 'Scripted step' });
    case 'write':
      return call('write', { filePath: action.path, content: action.content });
    case 'poll':
      return { delta: { role: 'assistant', content: 'Waiting.' }, finish: 'stop' };
    case 'text':
      return { delta: { role: 'assistant', content: action.text }, finish: 'stop' };
  }
}

export const openaiChatApi: ApiAdapter = {
  name: 'OpenAI Chat Completions',
  reply(request: ApiRequest, res: ServerResponse) {
    const body = (request.body ?? {}) as {
      messages?: ChatMessage[];
      tools?: unknown[];
      model?: string;
    };
    const { prompt, results } = conversation(body.messages ?? []);
    const step = body.tools?.length
      ? delta(nextAction(prompt, results))
      : { delta: { role: 'assistant', content: 'Scripted task' }, finish: 'stop' };
    const id = nextId('chatcmpl-');
    const chunk = (extra: Record<string, unknown>) => ({
      id,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? 'scripted',
      ...extra,
    });
    sendSse(
      res,
      [
        { data: chunk({ choices: [{ index: 0, delta: step.delta, finish_reason: null }] }) },
        { data: chunk({ choices: [{ index: 0, delta: {}, finish_reason: step.finish }] }) },
        {
          data: chunk({
            choices: [],
            usage: {
              prompt_tokens: REPLY_USAGE.input,
              completion_tokens: REPLY_USAGE.output,
              total_tokens: REPLY_USAGE.input + REPLY_USAGE.output,
            },
          }),
        },
      ],
      '[DONE]',
    );
    return Boolean(body.tools?.length) && prompt !== '';
  },
  errorBody: openaiErrorBody,
};
