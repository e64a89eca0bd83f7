import type { ServerResponse } from 'node:http';
import {
  REPLY_USAGE,
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
 * The Gemini API as Gemini CLI uses it (GOOGLE_GEMINI_BASE_URL with GEMINI_API_KEY):
 * POST /v1beta/models/<model>:streamGenerateContent?alt=sse, plus plain :generateContent for its
 * side questions (answered with JSON when JSON is asked for) and :countTokens. Tool calls are
 * `functionCall` parts; results come back as `functionResponse` parts.
 */
interface Part {
  text?: string;
  functionResponse?: { name: string; response?: unknown };
}
interface Content {
  role?: string;
  parts?: Part[];
}

function conversation(contents: Content[]): { prompt: string; results: ToolResult[] } {
  const parts = contents.filter((c) => c.role === 'user').flatMap((c) => c.parts ?? []);
  const prompt = parts.find((p) => p.text?.includes('Plan file:'))?.text ?? '';
  // Tool results, and the message that resumed the session, in order.
  const results = parts.flatMap((p): ToolResult[] => {
    if (p.functionResponse) return [{ output: JSON.stringify(p.functionResponse.response ?? '') }];
    return p.text && isSessionMessage(p.text) ? [{ output: p.text, message: true }] : [];
  });
  return { prompt, results };
}

function part(action: ScriptAction): Record<string, unknown> {
  switch (action.kind) {
    case 'shell':
      return {
        functionCall: {
          name: 'run_shell_command',
          args: { command: action.command, description: 'Scripted step' },
        },
      };
    case 'write':
      return {
        functionCall: {
          name: 'write_file',
          args: { file_path: action.path, content: action.content },
        },
      };
    case 'poll':
      return { text: 'Waiting.' };
    case 'text':
      return { text: action.text };
  }
}

function candidate(parts: Record<string, unknown>[], model: string) {
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: REPLY_USAGE.input,
      candidatesTokenCount: REPLY_USAGE.output,
      totalTokenCount: REPLY_USAGE.input + REPLY_USAGE.output,
    },
    modelVersion: model,
  };
}

export const geminiApi: ApiAdapter = {
  name: 'Gemini generateContent',
  reply(request: ApiRequest, res: ServerResponse) {
    const model = /models\/([^:/?]+)/.exec(request.path)?.[1] ?? 'scripted';
    const body = (request.body ?? {}) as {
      contents?: Content[];
      tools?: unknown[];
      generationConfig?: { responseMimeType?: string };
    };
    if (request.path.includes(':countTokens')) {
      sendJson(res, 200, { totalTokens: REPLY_USAGE.input });
      return false;
    }
    let parts: Record<string, unknown>[];
    let scripted = false;
    if (body.tools?.length) {
      const { prompt, results } = conversation(body.contents ?? []);
      parts = [part(nextAction(prompt, results))];
      scripted = prompt !== '';
    } else if (body.generationConfig?.responseMimeType === 'application/json') {
      parts = [{ text: JSON.stringify({ reasoning: 'Scripted.', next_speaker: 'user' }) }];
    } else {
      parts = [{ text: 'Scripted reply.' }];
    }
    if (request.path.includes(':streamGenerateContent'))
      sendSse(res, [{ data: candidate(parts, model) }]);
    else sendJson(res, 200, candidate(parts, model));
    return scripted;
  },
  errorBody(status) {
    const [message, state] =
      status === 401
        ? ['API key not valid. Please pass a valid API key.', 'UNAUTHENTICATED']
        : status === 429
          ? ['Resource has been exhausted (e.g. check quota).', 'RESOURCE_EXHAUSTED']
          : ['An internal error has occurred. Please retry or try again later.', 'INTERNAL'];
    return { error: { code: status, message, status: state } };
  },
};
