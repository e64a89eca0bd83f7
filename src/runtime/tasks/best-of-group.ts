import { childIndex } from '../../core/bestof/best-of.js';
import { DispatchError } from '../../core/errors.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { isValidTaskId } from '../../core/task/task-id.js';
import type { TaskStore } from '../store/task-store.js';

export interface BestOfGroup {
  /** The group's id (`fix-parser` for the runs `fix-parser.1` …). */
  group: string;
  /** The runs that exist, by number. */
  children: TaskStatus[];
}

/** The runs of group `group` that exist, by number: `<group>.<n>` tasks marked as its runs. */
export function groupChildren(
  store: TaskStore,
  group: string,
  ids = store.listIds(),
): TaskStatus[] {
  const children: TaskStatus[] = [];
  for (const id of ids) {
    if (childIndex(group, id) === undefined) continue;
    try {
      const status = store.status(id);
      if (status.bestOf?.group === group) children.push(status);
    } catch {
      // removed while listing
    }
  }
  return children.sort((a, b) => (a.bestOf?.index ?? 0) - (b.bestOf?.index ?? 0));
}

/**
 * The group a user means: its id, or the id of one of its runs. A task that is not a run of a
 * group, and an id that names neither, get clear errors.
 */
export function findGroup(store: TaskStore, ref: string): BestOfGroup {
  if (!isValidTaskId(ref)) store.require(ref); // the usual invalid-id error
  const ids = store.listIds();
  const own = ids.includes(ref) ? store.status(ref) : undefined;
  const group = own?.bestOf?.group ?? ref;
  const children = groupChildren(store, group, ids);
  if (children.length > 0) return { group, children };
  if (own)
    throw new DispatchError('state', `task ${ref} is not one of a best-of group`, {
      hint: 'Start several runs to compare with dispatch run --best-of 2 --models a,b "…".',
    });
  throw new DispatchError('not-found', `no best-of group or task "${ref}"`, {
    hint: 'Give the id dispatch run --best-of printed (see dispatch list).',
  });
}

/** The run a user means within a group: its number (`2`) or its id (`fix-parser.2`). */
export function findChild(group: BestOfGroup, ref: string): TaskStatus {
  const byNumber = /^\d+$/.test(ref) ? `${group.group}.${ref}` : ref;
  const child = group.children.find((status) => status.id === byNumber);
  if (child) return child;
  throw new DispatchError('not-found', `"${ref}" is not a run of best-of group ${group.group}`, {
    hint: `Its runs: ${group.children.map((status) => status.id).join(', ')} (or their numbers).`,
  });
}
