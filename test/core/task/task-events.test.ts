import { describe, expect, it } from 'vitest';
import { parseEvents, preview, type TaskEvent } from '../../../src/core/task/task-events.js';

const CREATED: TaskEvent = { type: 'created', time: '2025-03-01T10:00:00.000Z' };
const QUEUED: TaskEvent = { type: 'queued', time: '2025-03-01T10:00:00.001Z' };
const EXITED: TaskEvent = { type: 'exited', time: '2025-03-01T10:05:00Z', attempt: 1, code: 0 };

const jsonl = (...lines: string[]): string => lines.map((line) => `${line}\n`).join('');

describe('parseEvents', () => {
  it('reads one event per line, in order', () => {
    const text = jsonl(JSON.stringify(CREATED), JSON.stringify(QUEUED), JSON.stringify(EXITED));
    expect(parseEvents(text)).toEqual({ events: [CREATED, QUEUED, EXITED], badLines: [] });
  });

  it('reads an empty file as no events', () => {
    expect(parseEvents('')).toEqual({ events: [], badLines: [] });
    expect(parseEvents('\n\n')).toEqual({ events: [], badLines: [] });
  });

  it('skips blank lines without calling them bad', () => {
    const text = `\n${JSON.stringify(CREATED)}\n   \n${JSON.stringify(QUEUED)}\n`;
    expect(parseEvents(text)).toEqual({ events: [CREATED, QUEUED], badLines: [] });
  });

  it('skips a torn last line (a write cut short) and reports its line number', () => {
    const text = `${JSON.stringify(CREATED)}\n${JSON.stringify(QUEUED)}\n{"type":"spawned","ti`;
    expect(parseEvents(text)).toEqual({ events: [CREATED, QUEUED], badLines: [3] });
  });

  it('skips garbage and foreign lines in the middle and keeps the rest', () => {
    const text = jsonl(
      JSON.stringify(CREATED),
      'not json at all',
      '{"time":"2025-03-01T10:00:00Z"}',
      '{"type":42}',
      'null',
      '"created"',
      '[{"type":"created"}]',
      '123',
      '\u0000\u0000\u0000',
      JSON.stringify(QUEUED),
    );
    expect(parseEvents(text)).toEqual({
      events: [CREATED, QUEUED],
      badLines: [2, 3, 4, 5, 6, 7, 8, 9],
    });
  });

  it('skips two events glued together on one line by a missing newline', () => {
    const text = jsonl(JSON.stringify(CREATED) + JSON.stringify(QUEUED), JSON.stringify(EXITED));
    expect(parseEvents(text)).toEqual({ events: [EXITED], badLines: [1] });
  });

  it('reads CRLF line endings', () => {
    const text = `${JSON.stringify(CREATED)}\r\n${JSON.stringify(QUEUED)}\r\n`;
    expect(parseEvents(text)).toEqual({ events: [CREATED, QUEUED], badLines: [] });
  });

  it('keeps events of types it does not know (written by a newer version)', () => {
    const text = jsonl('{"type":"future-event","time":"t","extra":1}');
    expect(parseEvents(text).events).toEqual([{ type: 'future-event', time: 't', extra: 1 }]);
  });

  it('reads the exit line written by the shell wrapper', () => {
    const text = jsonl('{"type":"exited","time":"2025-03-01T10:05:00Z","attempt":1,"code":137}');
    expect(parseEvents(text).events).toEqual([
      { type: 'exited', time: '2025-03-01T10:05:00Z', attempt: 1, code: 137 },
    ]);
  });
});

describe('preview', () => {
  it('keeps short text, with white space folded to single spaces', () => {
    expect(preview('yes')).toBe('yes');
    expect(preview('  use\n\nthe   staging\tdb  ')).toBe('use the staging db');
    expect(preview('')).toBe('');
  });

  it('cuts long text to the limit, ending in an ellipsis', () => {
    const result = preview('a'.repeat(500));
    expect(result).toHaveLength(200);
    expect(result.endsWith('…')).toBe(true);
    expect(preview('abcdefghij', 5)).toBe('abcd…');
  });

  it('keeps text exactly at the limit whole', () => {
    expect(preview('a'.repeat(200))).toBe('a'.repeat(200));
    expect(preview('abcde', 5)).toBe('abcde');
  });

  it('measures after folding white space', () => {
    expect(preview('a\n\n\n\nb', 3)).toBe('a b');
  });

  it('never cuts an emoji in half', () => {
    // '🎉' is two UTF-16 code units; a cut between them would leave an invalid lone surrogate.
    for (let max = 3; max < 12; max++) {
      const result = preview('🎉'.repeat(20), max);
      expect(result.length).toBeLessThanOrEqual(max);
      expect(result.endsWith('…')).toBe(true);
      expect(result).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(result).not.toMatch(/(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(Buffer.from(result, 'utf8').toString('utf8')).toBe(result);
    }
  });

  it('keeps an event line with the longest preview well under 4 KiB', () => {
    const event: TaskEvent = {
      type: 'answered',
      time: new Date(0).toISOString(),
      seq: 999,
      by: 'user',
      preview: preview('日本語のテキスト🎉"\\'.repeat(500)),
    };
    expect(Buffer.byteLength(JSON.stringify(event), 'utf8')).toBeLessThan(4096);
  });
});
