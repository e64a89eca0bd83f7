import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { validSessionId } from '../core/task/worker-session.js';
import { writeFileAtomic } from '../runtime/fs/atomic-write.js';
import { appendJsonLine } from '../runtime/fs/append-line.js';
import { readFileNoFollow } from '../runtime/store/read-text.js';
import type { ReceivedAnswer } from './sim-state.js';

/**
 * The simulated worker's sessions, kept the way the real CLIs keep theirs: under the user's home
 * (`~/.dispatch-sim/sessions/ID.json`), holding what the worker was told (its first prompt) and
 * the answers it got. `--resume ID` continues one with a new message on standard input, so a
 * resumed simulated worker knows its plan from the session alone, as a resumed model does.
 */
export interface SimSession {
  id: string;
  prompt: string;
  answers: ReceivedAnswer[];
}

function sessionsDir(): string {
  return join(homedir(), '.dispatch-sim', 'sessions');
}

export function newSession(prompt: string): SimSession {
  return { id: `sim-${randomBytes(8).toString('hex')}`, prompt, answers: [] };
}

/** The session, or undefined when there is none by that id (deleted, another home). */
export function loadSession(id: string): SimSession | undefined {
  if (validSessionId(id) === undefined) return undefined;
  try {
    const value = JSON.parse(readFileNoFollow(join(sessionsDir(), `${id}.json`))) as SimSession;
    return typeof value.prompt === 'string' && Array.isArray(value.answers)
      ? { id, prompt: value.prompt, answers: value.answers }
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: SimSession): void {
  mkdirSync(sessionsDir(), { recursive: true, mode: 0o700 });
  writeFileAtomic(join(sessionsDir(), `${session.id}.json`), JSON.stringify(session), {
    mode: 0o600,
  });
}

/**
 * Names the session in the task's history, as the log filter does for a real CLI that prints
 * it in its JSON output (the simulated worker prints text, so it records it itself).
 */
export function announceSession(session: SimSession, env: NodeJS.ProcessEnv): void {
  const taskDir = env.DISPATCH_TASK_DIR;
  if (!taskDir) return;
  try {
    appendJsonLine(join(taskDir, 'events.jsonl'), {
      type: 'session',
      time: new Date().toISOString(),
      attempt: Number(env.DISPATCH_ATTEMPT) || 1,
      backend: 'sim',
      session: session.id,
    });
  } catch {
    // no task folder to record into: the session still works, it is just not resumed
  }
}
