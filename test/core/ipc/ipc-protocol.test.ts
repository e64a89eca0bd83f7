import { describe, expect, it } from 'vitest';
import {
  COMPLETION_MARKER,
  formatSeq,
  ipcFileName,
  parseIpcFileName,
  readIpcState,
  type IpcKind,
} from '../../../src/core/ipc/ipc-protocol.js';

describe('file names', () => {
  it('writes sequence numbers with three digits, and more past 999', () => {
    expect(formatSeq(1)).toBe('001');
    expect(formatSeq(42)).toBe('042');
    expect(formatSeq(999)).toBe('999');
    expect(formatSeq(1000)).toBe('1000');
    expect(formatSeq(123456)).toBe('123456');
  });

  it('names the three files of an exchange', () => {
    expect(ipcFileName(1, 'question')).toBe('001.question');
    expect(ipcFileName(7, 'answer')).toBe('007.answer');
    expect(ipcFileName(12, 'done')).toBe('012.done');
    expect(ipcFileName(1000, 'question')).toBe('1000.question');
  });

  it('reads back every name it writes', () => {
    const kinds: IpcKind[] = ['question', 'answer', 'done'];
    for (const seq of [1, 2, 9, 10, 99, 100, 998, 999, 1000, 1001, 65535]) {
      for (const kind of kinds)
        expect(parseIpcFileName(ipcFileName(seq, kind))).toEqual({ seq, kind });
    }
  });

  it.each([
    COMPLETION_MARKER,
    '.done.tmp',
    '001.question.tmp',
    '001.answer.tmp',
    '.001.question.123.ab12.tmp',
    'abc.question',
    '1.question',
    '01.question',
    '001.Question',
    '001.questions',
    '001.question ',
    ' 001.question',
    '001question',
    '001.',
    '-01.question',
    '1e3.question',
    '001.answer.bak',
    '001.question~',
    'README.md',
    '',
  ])('ignores %j', (name) => {
    expect(parseIpcFileName(name)).toBeUndefined();
  });
});

describe('readIpcState', () => {
  it('starts at sequence 1 in an empty folder', () => {
    expect(readIpcState([])).toEqual({
      exchanges: [],
      unanswered: [],
      unacknowledged: [],
      complete: false,
      nextSeq: 1,
    });
  });

  it('follows one exchange through question, answer and acknowledgment', () => {
    const asked = readIpcState(['001.question']);
    expect(asked.unanswered).toEqual([1]);
    expect(asked.unacknowledged).toEqual([]);
    expect(asked.nextSeq).toBe(2);

    const answered = readIpcState(['001.question', '001.answer']);
    expect(answered.unanswered).toEqual([]);
    expect(answered.unacknowledged).toEqual([1]);

    const acknowledged = readIpcState(['001.question', '001.answer', '001.done']);
    expect(acknowledged.unanswered).toEqual([]);
    expect(acknowledged.unacknowledged).toEqual([]);
    expect(acknowledged.exchanges).toEqual([
      { seq: 1, hasQuestion: true, hasAnswer: true, hasAck: true },
    ]);
    expect(acknowledged.complete).toBe(false);
  });

  it('sees the completion marker, which is not an acknowledgment', () => {
    const state = readIpcState(['001.question', '001.answer', '001.done', '.done']);
    expect(state.complete).toBe(true);
    expect(state.nextSeq).toBe(2);
    expect(readIpcState(['.done']).exchanges).toEqual([]);
    expect(readIpcState(['001.done']).complete).toBe(false);
  });

  it('lists several unanswered questions oldest first, whatever the listing order', () => {
    const state = readIpcState([
      '010.question',
      '002.question',
      '003.question',
      '003.answer',
      '1000.question',
    ]);
    expect(state.unanswered).toEqual([2, 10, 1000]);
    expect(state.exchanges.map((e) => e.seq)).toEqual([2, 3, 10, 1000]);
    expect(state.nextSeq).toBe(1001);
  });

  it('counts sequence numbers numerically past 999', () => {
    const state = readIpcState(['999.question', '999.answer', '999.done', '1000.question']);
    expect(state.unanswered).toEqual([1000]);
    expect(state.nextSeq).toBe(1001);
    expect(readIpcState(['1000.question', '1000.answer', '1000.done']).nextSeq).toBe(1001);
  });

  it('ignores leftover temp files and stray names', () => {
    const names = [
      '001.question',
      '001.answer',
      '001.done',
      '002.question.tmp',
      '.002.answer.4711.ab12.tmp',
      '.001.question.123.ab12.tmp',
      '.done.tmp',
      'abc.question',
      '1.question',
      'notes.txt',
    ];
    const state = readIpcState(names);
    expect(state.exchanges).toEqual([{ seq: 1, hasQuestion: true, hasAnswer: true, hasAck: true }]);
    expect(state.unanswered).toEqual([]);
    expect(state.complete).toBe(false);
    // A question still being written (only its temp file exists) does not take a number yet.
    expect(state.nextSeq).toBe(2);
  });

  it('takes the next number after the highest of any kind, even an answer or an ack alone', () => {
    expect(readIpcState(['003.answer']).nextSeq).toBe(4);
    expect(readIpcState(['001.question', '005.done']).nextSeq).toBe(6);
  });

  it('keeps an answer that has no question (written out of turn) without calling it unanswered', () => {
    const state = readIpcState(['004.answer']);
    expect(state.unanswered).toEqual([]);
    expect(state.exchanges).toEqual([
      { seq: 4, hasQuestion: false, hasAnswer: true, hasAck: false },
    ]);
  });

  it('tolerates a name listed twice', () => {
    const state = readIpcState(['001.question', '001.question', '.done', '.done']);
    expect(state.exchanges).toHaveLength(1);
    expect(state.unanswered).toEqual([1]);
    expect(state.complete).toBe(true);
  });

  it('accepts any iterable of names, such as a Set or a generator', () => {
    function* names() {
      yield '002.question';
      yield '001.question';
      yield '001.answer';
    }
    expect(readIpcState(new Set(['001.question'])).unanswered).toEqual([1]);
    expect(readIpcState(names()).unanswered).toEqual([2]);
  });

  it('answers a long conversation in order', () => {
    const names: string[] = [];
    for (let seq = 1; seq <= 1200; seq++) {
      names.push(ipcFileName(seq, 'question'));
      if (seq % 3 !== 0) names.push(ipcFileName(seq, 'answer'));
      if (seq % 3 === 1) names.push(ipcFileName(seq, 'done'));
    }
    const state = readIpcState(names.reverse());
    expect(state.exchanges).toHaveLength(1200);
    expect(state.unanswered).toEqual(Array.from({ length: 400 }, (_, i) => (i + 1) * 3));
    expect(state.unacknowledged).toHaveLength(400);
    expect(state.unacknowledged.every((seq) => seq % 3 === 2)).toBe(true);
    expect(state.nextSeq).toBe(1201);
  });
});
