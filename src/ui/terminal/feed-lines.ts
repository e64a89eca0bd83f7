import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { FeedEvent } from '../../operations/task-feed.js';
import { cleanText } from './text-width.js';

/** 12:00:01, local time: lines are for people reading a log as it grows. */
export function clockTime(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

function stateLine(time: string, task: TaskStatus): string {
  const { done, total, current } = task.progress;
  const state = task.outcome === 'done-verified' ? task.outcome : task.state;
  let line = `${time} ${task.id} ${state} ${done}/${total}`;
  if (TERMINAL_STATES.has(task.state) || task.retrying || task.state === 'verifying') {
    if (task.reason) line += `: ${cleanText(task.reason)}`;
  } else if (current) {
    line += ` "${cleanText(current.text)}"`;
  }
  return line;
}

function questionLine(time: string, task: TaskStatus): string {
  const question = task.question;
  if (!question) return '';
  const seq = question.seq !== undefined ? ` ${formatSeq(question.seq)}` : '';
  return `${time} ${task.id} QUESTION${seq}: ${cleanText(question.text)}`;
}

/** What a person would notice: state, progress or current item (a question has its own line). */
function progressed(task: TaskStatus, previous: TaskStatus): boolean {
  return (
    task.state !== previous.state ||
    task.progress.done !== previous.progress.done ||
    task.progress.total !== previous.progress.total ||
    task.progress.current?.text !== previous.progress.current?.text
  );
}

/**
 * The plain-text lines for one feed event when stdout is not a terminal: one line per change
 * that matters, e.g. `12:00:01 review-auth running 2/5 "Check session handling"`.
 */
export function feedLines(event: FeedEvent, now: Date): string[] {
  const time = clockTime(now);
  switch (event.kind) {
    case 'snapshot':
      return event.tasks.flatMap((task) =>
        [stateLine(time, task), questionLine(time, task)].filter(Boolean),
      );
    case 'added':
      return [stateLine(time, event.task)];
    case 'changed':
      // Entering a final state is told by the `finished` event that follows.
      if (TERMINAL_STATES.has(event.task.state) && !TERMINAL_STATES.has(event.previous.state))
        return [];
      return progressed(event.task, event.previous) ? [stateLine(time, event.task)] : [];
    case 'question':
      return [questionLine(time, event.task)];
    case 'finished':
      return [stateLine(time, event.task)];
    case 'removed':
      return [`${time} ${event.id} removed`];
  }
}
