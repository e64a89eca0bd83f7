import { readFileSync } from 'node:fs';
import { setItemMarker } from '../core/plan/edit-plan.js';
import { parsePlan } from '../core/plan/parse-plan.js';
import type { Marker, Plan, PlanItem } from '../core/plan/plan-types.js';
import { writeFileAtomic } from '../runtime/fs/atomic-write.js';

/**
 * plan.md on disk. Every change reads the file fresh, edits the parsed plan and writes it back
 * atomically right away, so a dispatcher note appended meanwhile is kept and no stale copy is
 * ever held across a wait.
 */
export interface ItemRef {
  index: number;
  text: string;
  /** The marker the item had when it was picked. */
  marker: Marker;
}

export function refOf(item: PlanItem): ItemRef {
  return { index: item.index, text: item.text, marker: item.marker };
}

export function readPlanFile(path: string): Plan {
  return parsePlan(readFileSync(path, 'utf8'));
}

/**
 * The item as it is now: same index and text, or else the first item with that text and marker
 * (another writer may have added or removed items above it). Matching the marker too keeps a
 * done item with the same text from being picked again and again.
 */
export function findItem(plan: Plan, ref: ItemRef): PlanItem | undefined {
  const same = plan.items[ref.index];
  if (same && same.text === ref.text) return same;
  return plan.items.find((item) => item.text === ref.text && item.marker === ref.marker);
}

/** Applies `edit` to the freshly read plan; returns false when the item is no longer there. */
export function editItem(
  path: string,
  ref: ItemRef,
  edit: (plan: Plan, item: PlanItem) => Plan,
): boolean {
  const plan = readPlanFile(path);
  const item = findItem(plan, ref);
  if (!item) return false;
  writeFileAtomic(path, edit(plan, item).lines.join(''));
  return true;
}

export function markItem(path: string, ref: ItemRef, marker: Marker, detail?: string): boolean {
  return editItem(path, ref, (plan, item) => setItemMarker(plan, item.index, marker, detail));
}

/**
 * Removes the detail lines under an item (the question of a `[?]`). setItemMarker can replace
 * detail but not remove it, and once the item is `[x]` a flush-left question no longer counts as
 * its detail, so the lines go first, counted while the item is still blocked.
 */
export function withoutDetail(plan: Plan, index: number): Plan {
  const item = plan.items[index];
  if (!item || item.detailLineCount === 0) return plan;
  const lines = [...plan.lines];
  lines.splice(item.line + 1, item.detailLineCount);
  return parsePlan(lines.join(''));
}
