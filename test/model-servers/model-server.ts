import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token counts every scripted reply reports, so tests can check what the CLI recorded. */
export const REPLY_USAGE = { input: 1200, output: 60 };

export interface ApiRequest {
  method: string;
  /** Path with query string, e.g. /v1/messages?beta=true. */
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** When it arrived (Date.now()). */
  receivedAt: number;
}

/** One model API (Anthropic Messages, OpenAI Responses or Chat, Gemini): its wire format only. */
export interface ApiAdapter {
  name: string;
  /**
   * Answers one request; true when it was a turn of the scripted worker (its prompt was in the
   * request), false for a side request such as a title or a token count.
   */
  reply(request: ApiRequest, res: ServerResponse): boolean;
  /** The error body this API sends with an HTTP status (401, 429, 500). */
  errorBody(status: number): unknown;
}

export interface ModelServerOptions {
  /** Answer every request with this HTTP status and the API's error body. */
  failWith?: number;
  /** Refuse (503) and count requests after this many: a runaway CLI loop ends. */
  maxRequests?: number;
  /** Close by itself after this long, even if a test forgets to. */
  lifetimeMs?: number;
}

export interface ModelServer {
  url: string;
  port: number;
  requests: ApiRequest[];
  /** Turns of the scripted worker answered, each reporting REPLY_USAGE. */
  replies: number;
  close(): Promise<void>;
}

/** Starts an adapter on 127.0.0.1 at a free port. */
export async function startModelServer(
  adapter: ApiAdapter,
  options: ModelServerOptions = {},
): Promise<ModelServer> {
  const maxRequests = options.maxRequests ?? 60;
  const state = { requests: [] as ApiRequest[], replies: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON; keep the text
      }
      const request: ApiRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        receivedAt: Date.now(),
      };
      state.requests.push(request);
      if (state.requests.length > maxRequests) return sendJson(res, 503, adapter.errorBody(503));
      if (options.failWith)
        return sendJson(res, options.failWith, adapter.errorBody(options.failWith));
      try {
        if (adapter.reply(request, res)) state.replies++;
      } catch (error) {
        sendJson(res, 400, { error: { message: `scripted server: ${(error as Error).message}` } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const lifetime = setTimeout(() => server.close(), options.lifetimeMs ?? 5 * 60_000);
  lifetime.unref();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: state.requests,
    get replies() {
      return state.replies;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(lifetime);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on: the "server not running" case. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Server-sent events: `event:` lines only when the API names its events (Anthropic, OpenAI). */
export function sendSse(
  res: ServerResponse,
  events: { event?: string; data: unknown }[],
  done?: string,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const { event, data } of events) {
    res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  }
  if (done) res.write(`data: ${done}\n\n`);
  res.end();
}

let counter = 0;
/** Unique ids for messages and tool calls. */
export function nextId(prefix: string): string {
  counter++;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}
