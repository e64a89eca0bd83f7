import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  JSONRPCMessageSchema,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';

/** No request needs more: the largest is a task text or a plan, far below this. */
export const MAX_FRAME_BYTES = 10 * 1024 * 1024;

/**
 * MCP over stdio: one JSON-RPC message per line. Unlike the SDK's stdio transport, which closes
 * the connection when a line outgrows its buffer and ignores lines it cannot parse, a frame that is
 * too large, not JSON or not JSON-RPC is answered with a JSON-RPC error (id null, as the spec
 * says when the id cannot be known) and the server keeps serving. An oversized frame is skipped
 * up to its end without being kept in memory.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes of the current frame thrown away so far, once it is known to be too large. */
  private skipped: number | undefined;
  private closed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {}

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('error', this.onInputError);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('error', this.onInputError);
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.chunks = [];
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once('drain', resolve);
    });
  }

  private readonly onInputError = (error: Error): void => this.onerror?.(error);

  private readonly onData = (chunk: Buffer | string): void => {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (data.length > 0) {
      const newline = data.indexOf(0x0a);
      const part = newline < 0 ? data : data.subarray(0, newline);
      this.take(part);
      if (newline < 0) return;
      this.endFrame();
      data = data.subarray(newline + 1);
    }
  };

  private take(part: Buffer): void {
    if (this.skipped !== undefined) {
      this.skipped += part.length;
      return;
    }
    if (this.buffered + part.length > this.maxFrameBytes) {
      this.skipped = this.buffered + part.length;
      this.chunks = [];
      this.buffered = 0;
      return;
    }
    this.chunks.push(part);
    this.buffered += part.length;
  }

  private endFrame(): void {
    if (this.skipped !== undefined) {
      const size = this.skipped;
      this.skipped = undefined;
      const limit = Math.round(this.maxFrameBytes / (1024 * 1024));
      this.refuse(
        ErrorCode.InvalidRequest,
        `message of ${size} bytes refused: larger than the limit of ${limit} MiB`,
      );
      return;
    }
    const line = Buffer.concat(this.chunks).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.buffered = 0;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      this.refuse(ErrorCode.ParseError, `not JSON: ${(error as Error).message}`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.refuse(ErrorCode.InvalidRequest, 'not a JSON-RPC 2.0 message');
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private refuse(code: number, message: string): void {
    if (this.closed) return;
    this.onerror?.(new Error(message));
    // The JSON-RPC 2.0 spec: an error about a request whose id cannot be read has id null.
    void this.send({
      jsonrpc: '2.0',
      id: null,
      error: { code, message },
    } as unknown as JSONRPCMessage);
  }
}
