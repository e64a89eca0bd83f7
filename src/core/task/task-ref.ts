/**
 * What a user may type where a task id goes: the whole id, or any start of it that only one task
 * has (`dispatch status rev` for `review-auth`). An exact id always wins, so a task named like the
 * start of another stays reachable.
 */
export type TaskRefMatch =
  | { kind: 'exact' | 'prefix'; id: string }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'none' };

export function matchTaskRef(ref: string, ids: readonly string[]): TaskRefMatch {
  if (ids.includes(ref)) return { kind: 'exact', id: ref };
  const candidates = ref === '' ? [] : ids.filter((id) => id.startsWith(ref));
  if (candidates.length === 1) return { kind: 'prefix', id: candidates[0] as string };
  if (candidates.length > 1) return { kind: 'ambiguous', candidates: [...candidates].sort() };
  return { kind: 'none' };
}
