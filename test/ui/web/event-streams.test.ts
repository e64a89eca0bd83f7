import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventStreams } from '../../../src/ui/web/event-streams.js';

/** Just enough of a ServerResponse to see what a stream is sent. */
class FakeResponse extends EventEmitter {
  status: number | undefined;
  text = '';
  ended = false;
  writeHead(status: number): this {
    this.status = status;
    return this;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  end(chunk?: string): this {
    if (chunk) this.text += chunk;
    this.ended = true;
    return this;
  }
}

function open(streams: EventStreams): FakeResponse {
  const res = new FakeResponse();
  streams.open(res as unknown as ServerResponse, { kind: 'snapshot', tasks: [] });
  return res;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EventStreams', () => {
  it('sends the first event, then every event, named ones with their type', () => {
    const streams = new EventStreams(1000);
    const res = open(streams);
    streams.send({ kind: 'removed', id: 'a' });
    streams.sendNamed('output', { id: 'a' });
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      'retry: 2000\n\ndata: {"kind":"snapshot","tasks":[]}\n\ndata: {"kind":"removed","id":"a"}\n\nevent: output\ndata: {"id":"a"}\n\n',
    );
    streams.close();
    expect(res.ended).toBe(true);
  });

  it('keeps a heartbeat only while a stream is open', () => {
    vi.useFakeTimers();
    const streams = new EventStreams(100);
    const res = open(streams);
    vi.advanceTimersByTime(250);
    expect(res.text.match(/: heartbeat/g)).toHaveLength(2);
    res.emit('close');
    expect(streams.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a stream opened after close, and starts no heartbeat for it', () => {
    vi.useFakeTimers();
    const streams = new EventStreams(100);
    streams.close();
    const late = open(streams);
    expect(late.status).toBe(503);
    expect(late.ended).toBe(true);
    expect(streams.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
