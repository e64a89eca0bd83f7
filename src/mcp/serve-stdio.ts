import type { Readable, Writable } from 'node:stream';
import { Dispatcher } from '../api/dispatcher.js';
import { LineTransport } from './line-transport.js';
import { createMcpServer } from './mcp-server.js';

/** Where the server's tasks live, and the streams it talks over (default: the process's). */
export interface ServeStdioOptions {
  /** Folder whose `.dispatch/` root the tools work on. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin?: Readable;
  stdout?: Writable;
}

/**
 * Serves MCP over stdio until the client goes away. Standard output carries only the protocol;
 * nothing else may write to it. Resolves once the connection is closed and every pending tool
 * call (a long dispatch_wait) has been stopped, so the process can exit by itself.
 */
export async function serveStdio(options: ServeStdioOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const server = createMcpServer(
    new Dispatcher({ cwd: options.cwd, env: options.env, by: 'mcp', confine: true }),
  );
  const transport = new LineTransport(stdin, stdout);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  // The transport does not notice the end of its input, nor a client that stopped
  // reading: either closes the server, which also aborts tool calls still running.
  const close = () => void server.close();
  stdin.once('end', close);
  stdin.once('close', close);
  stdout.on('error', close);
  try {
    await server.connect(transport);
    await closed;
  } finally {
    stdin.off('end', close);
    stdin.off('close', close);
    stdout.off('error', close);
  }
}
