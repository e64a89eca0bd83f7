import type { ServerResponse } from 'node:http';

/** Often enough that proxies and browsers keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;

/**
 * The open server-sent-event streams. Each event goes to every stream as one `data:` line of
 * JSON; a comment line every 15 s keeps idle connections alive. Once closed, it refuses new
 * streams: a browser reconnecting over a kept-alive connection while the server shuts down would
 * otherwise open one again and, with it, a heartbeat that keeps the process from exiting.
 */
export class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly heartbeatMs = HEARTBEAT_MS) {}

  get size(): number {
    return this.clients.size;
  }

  /** Starts a stream and sends it `first` (the current snapshot) at once. */
  open(res: ServerResponse, first: unknown): void {
    if (this.closed) {
      // Not 200: EventSource then stops reconnecting instead of retrying every 2 s.
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end('The dashboard is stopping.\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    res.write(frame(first));
    this.clients.add(res);
    this.heartbeat ??= setInterval(() => this.writeAll(': heartbeat\n\n'), this.heartbeatMs);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopHeartbeat();
    });
  }

  send(event: unknown): void {
    this.writeAll(frame(event));
  }

  /** An event of its own type, which pages listen for by name (`addEventListener(name, …)`). */
  sendNamed(name: string, event: unknown): void {
    this.writeAll(`event: ${name}\n${frame(event)}`);
  }

  /** Ends every stream (browsers would reconnect; the server is closing, so they find nothing). */
  close(): void {
    this.closed = true;
    this.stopHeartbeat();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private writeAll(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}

function frame(event: unknown): string {
  // JSON.stringify escapes line breaks inside strings, so the data is one line.
  return `data: ${JSON.stringify(event)}\n\n`;
}
