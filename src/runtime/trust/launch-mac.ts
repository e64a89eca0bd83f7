import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TaskMeta } from '../../core/task/task-meta.js';

/** The field of task.json that carries the signature, and the scheme it was made with. */
const SCHEME = 'hmac-sha256:v1:';

/** JSON with object keys sorted at every level, so the same record always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The MAC covers the whole of task.json except the MAC itself: the command, model, backend,
 * argv, working folder and worktree the worker starts with, and the request its prompts are
 * built from. Any edit, or a record signed with another user's key, no longer verifies.
 */
function mac(meta: TaskMeta, key: Buffer): string {
  const { mac: _mac, ...record } = meta;
  return SCHEME + createHmac('sha256', key).update(canonicalJson(record)).digest('hex');
}

export function signLaunch(meta: TaskMeta, key: Buffer): TaskMeta {
  const { mac: _old, ...record } = meta;
  const signed = { ...record, mac: mac(record, key) };
  // The creator reads its new tasks back at once (`dispatch run` reports their status).
  keep(key, JSON.stringify(signed), 'valid');
  return signed;
}

export type LaunchVerdict = 'valid' | 'missing' | 'invalid';

/**
 * Verdicts already reached, per key, by the exact record checked: a long-lived process (the
 * supervisor) checks the same unchanged task.json on every change of the task, and the verdict
 * is a function of the record and the key alone. Bounded: cleared when it grows past the limit.
 */
const verdicts = new WeakMap<Buffer, Map<string, LaunchVerdict>>();
const KEPT_VERDICTS = 20_000;

export function verifyLaunch(meta: TaskMeta, key: Buffer | undefined): LaunchVerdict {
  if (typeof meta.mac !== 'string' || meta.mac === '') return 'missing';
  if (!key) return 'invalid';
  const record = JSON.stringify(meta);
  const known = verdicts.get(key)?.get(record);
  if (known) return known;
  const expected = Buffer.from(mac(meta, key));
  const given = Buffer.from(meta.mac);
  const verdict =
    expected.length === given.length && timingSafeEqual(expected, given) ? 'valid' : 'invalid';
  keep(key, record, verdict);
  return verdict;
}

function keep(key: Buffer, record: string, verdict: LaunchVerdict): void {
  let kept = verdicts.get(key);
  if (!kept) verdicts.set(key, (kept = new Map()));
  if (kept.size >= KEPT_VERDICTS) kept.clear();
  kept.set(record, verdict);
}
