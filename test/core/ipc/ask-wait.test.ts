import { describe, expect, it } from 'vitest';
import {
  ASK_LEASE_TTL_MS,
  askAgainLine,
  askStartName,
  formatWait,
  isLeaseFresh,
  nextAskSlice,
  questionToReattach,
  type AskedQuestion,
} from '../../../src/core/ipc/ask-wait.js';

const question = (seq: number, text: string, state: Partial<AskedQuestion> = {}) => ({
  seq,
  text,
  hasAnswer: false,
  hasAck: false,
  ...state,
});

describe('nextAskSlice', () => {
  const asked = 1_000_000;

  it('waits one slice while more than a slice of the fallback time is left', () => {
    expect(
      nextAskSlice({ askedAtMs: asked, nowMs: asked, totalMs: 180_000, sliceMs: 90_000 }),
    ).toEqual({ kind: 'wait', waitMs: 90_000, last: false });
  });

  it('waits only what is left of the fallback time in the last slice', () => {
    expect(
      nextAskSlice({ askedAtMs: asked, nowMs: asked + 150_000, totalMs: 180_000, sliceMs: 90_000 }),
    ).toEqual({ kind: 'wait', waitMs: 30_000, last: true });
    // Exactly a slice left: that slice is the last.
    expect(
      nextAskSlice({ askedAtMs: asked, nowMs: asked + 90_000, totalMs: 180_000, sliceMs: 90_000 }),
    ).toEqual({ kind: 'wait', waitMs: 90_000, last: true });
  });

  it('is expired once the fallback time has passed', () => {
    expect(
      nextAskSlice({ askedAtMs: asked, nowMs: asked + 180_000, totalMs: 180_000, sliceMs: 90_000 }),
    ).toEqual({ kind: 'expired' });
  });

  it('never waits longer than a slice, even with a start in the future', () => {
    expect(
      nextAskSlice({ askedAtMs: asked + 3_600_000, nowMs: asked, totalMs: 180_000, sliceMs: 1000 }),
    ).toEqual({ kind: 'wait', waitMs: 1000, last: false });
  });

  it('holds a whole wait longer than a Node.js timer as slices', () => {
    expect(
      nextAskSlice({ askedAtMs: asked, nowMs: asked, totalMs: 3_000_000_000, sliceMs: 90_000 }),
    ).toEqual({ kind: 'wait', waitMs: 90_000, last: false });
  });
});

describe('questionToReattach', () => {
  it('finds the pending question with the same text, ignoring surrounding white space', () => {
    const questions = [question(2, 'Other?'), question(1, 'Tabs or spaces?\n')];
    expect(questionToReattach(questions, '  Tabs or spaces?')?.seq).toBe(1);
  });

  it('re-attaches to a question answered while nobody waited, so the answer is read at once', () => {
    const questions = [question(1, 'Port?', { hasAnswer: true })];
    expect(questionToReattach(questions, 'Port?')?.seq).toBe(1);
  });

  it('asks anew when the same question was answered and acknowledged', () => {
    const questions = [question(1, 'Port?', { hasAnswer: true, hasAck: true })];
    expect(questionToReattach(questions, 'Port?')).toBeUndefined();
  });

  it('asks anew for a different text, and takes the oldest of two pending twins', () => {
    expect(questionToReattach([question(1, 'Port?')], 'Host?')).toBeUndefined();
    expect(questionToReattach([question(5, 'Port?'), question(3, 'Port?')], 'Port?')?.seq).toBe(3);
  });
});

describe('leases and lines', () => {
  it('counts a lease fresh for its time to live only', () => {
    expect(isLeaseFresh(10_000, 10_000)).toBe(true);
    expect(isLeaseFresh(10_000, 10_000 + ASK_LEASE_TTL_MS - 1)).toBe(true);
    expect(isLeaseFresh(10_000, 10_000 + ASK_LEASE_TTL_MS)).toBe(false);
    // Far in the future: not something a running `dispatch ask` wrote.
    expect(isLeaseFresh(10_000 + 60_000, 10_000)).toBe(false);
  });

  it('puts only a number from the environment into the start file name', () => {
    expect(askStartName(1, '2')).toBe('001.attempt-2');
    expect(askStartName(12, '../x')).toBe('012.attempt-0');
    expect(askStartName(1, '')).toBe('001.attempt-0');
  });

  it('tells the model what to do when a slice ends', () => {
    expect(askAgainLine(1, 90_000, 180_000)).toBe(
      'No answer yet to question 001 (waited 90 s of 3 min); run the same command again to keep waiting.',
    );
    expect(formatWait(150_000)).toBe('2 min 30 s');
    expect(formatWait(1_400)).toBe('1 s');
  });
});
