import type { TaskEvent } from './task-events.js';

/**
 * A worker CLI's session id, as its JSON output names it. It is worker text: it goes into a
 * resumed worker's argv (as one argument, never through a shell), so only a plain token is
 * accepted: letters, digits and `._:-`, not starting with `-` (it would read as an option),
 * at most 128 characters. Claude Code, Codex and Gemini CLI use UUIDs, opencode `ses_…` ids.
 */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The id when it is a plain token fit for an argument; undefined otherwise. */
export function validSessionId(value: unknown): string | undefined {
  return typeof value === 'string' && SESSION_ID.test(value) ? value : undefined;
}

type SessionEvent = Extract<TaskEvent, { type: 'session' }>;

/**
 * The session the task's workers last reported, if it is still valid: the one a resumed worker
 * continues. A session recorded by another kind of CLI (the task was retried with another
 * backend since) is not one this backend can open.
 */
export function latestSession(
  events: readonly TaskEvent[],
  backendType: string,
): SessionEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.type !== 'session') continue;
    if (event.backend !== backendType) return undefined;
    return validSessionId(event.session) === undefined ? undefined : event;
  }
  return undefined;
}

/** The session the `resumed` event of this attempt chose to continue, validated again. */
export function sessionToResume(events: readonly TaskEvent[], attempt: number): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.type === 'resumed' && event.attempt === attempt)
      return validSessionId(event.session);
  }
  return undefined;
}
