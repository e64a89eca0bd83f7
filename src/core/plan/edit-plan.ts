import { markerChar } from './markers.js';
import { ITEM_PATTERN, NOTE_PATTERN, lineContent, parsePlan, splitLines } from './parse-plan.js';
import type { Marker, Plan } from './plan-types.js';

export function serializePlan(plan: Plan): string {
  return plan.lines.join('');
}

function lineEnding(plan: Plan): string {
  return plan.lines.find((line) => line.endsWith('\r\n')) ? '\r\n' : '\n';
}

/**
 * Sets an item's marker, and replaces the text under it with `detail` when one is given
 * (the question of a blocked item, the description of an error). Everything else is kept.
 */
export function setItemMarker(plan: Plan, index: number, marker: Marker, detail?: string): Plan {
  const item = plan.items[index];
  if (!item) throw new RangeError(`plan has no item ${index}`);
  const eol = lineEnding(plan);
  const original = plan.lines[item.line] ?? '';
  const content = lineContent(original);
  const match = ITEM_PATTERN.exec(content);
  if (!match) throw new Error(`line ${item.line + 1} is not an item`);
  const ending = original.slice(content.length + (original.startsWith('\uFEFF') ? 1 : 0));
  const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
  const bracket = content.indexOf('[', (match[1] ?? '').length + (match[2] ?? '').length);
  const replaced = `${bom}${content.slice(0, bracket + 1)}${markerChar(marker)}${content.slice(bracket + 2)}${ending}`;
  const lines = [...plan.lines];
  lines[item.line] = replaced;
  if (detail !== undefined) {
    // Blank lines would end the detail when parsed back, so they are left out; an empty detail
    // removes the text under the item. The block keeps the ending its last line had, so a file
    // without a final newline still has none.
    const pad = ' '.repeat(item.indent + 2);
    const texts = detail.split(/\r?\n/).filter((text) => text.trim() !== '');
    const blockEnding =
      /\r?\n$/.exec(plan.lines[item.line + item.detailLineCount] ?? '')?.[0] ?? '';
    const head = replaced.slice(0, replaced.length - ending.length);
    const block = [head, ...texts.map((text) => `${pad}${text}`)].join(ending || eol) + blockEnding;
    lines.splice(item.line, 1 + item.detailLineCount, block);
  }
  return parsePlan(lines.join(''));
}

/** The markdown of a dispatcher note; later lines stay inside the block quote. */
export function formatNote(text: string): string {
  const [first = '', ...rest] = text.trim().split(/\r?\n/);
  return [
    `> **Note from dispatcher:** ${first}`,
    ...rest.map((line) => (line ? `> ${line}` : '>')),
  ].join('\n');
}

/**
 * The text to add at the end of the plan for a dispatcher note: a line break if the file lacks
 * one, a blank line to separate it from the checklist, then the note. Appending exactly this
 * (in one O_APPEND write) never replaces the file, so a worker's own edits are never undone.
 */
export function noteAppendix(planText: string, note: string): string {
  const eol = planText.includes('\r\n') ? '\r\n' : '\n';
  let prefix = '';
  if (planText.length > 0 && !planText.endsWith('\n')) prefix += eol;
  const lines = splitLines(planText);
  const last = lines.length > 0 ? lineContent(lines[lines.length - 1] ?? '') : '';
  if (planText.length > 0 && last.trim() !== '' && !NOTE_PATTERN.test(last)) prefix += eol;
  return prefix + formatNote(note).replace(/\n/g, eol) + eol;
}

/**
 * The text to add at the end of the plan for new unchecked items (`dispatch continue --item`):
 * a line break if the file lacks one, then one `- [ ] …` line per item, each on one line.
 */
export function itemsAppendix(planText: string, items: readonly string[]): string {
  const eol = planText.includes('\r\n') ? '\r\n' : '\n';
  const prefix = planText.length > 0 && !planText.endsWith('\n') ? eol : '';
  return prefix + items.map((item) => `- [ ] ${item.replace(/\s+/g, ' ').trim()}${eol}`).join('');
}

/** Appends a dispatcher note at the end of the plan, separated by a blank line. */
export function appendNote(planText: string, note: string): string {
  return planText + noteAppendix(planText, note);
}

/** Whether the plan still carries a note with this text (workers may rewrite the file). */
export function planHasNote(plan: Plan, note: string): boolean {
  const wanted = normalizeNote(note);
  return plan.notes.some((existing) => normalizeNote(existing.text) === wanted);
}

function normalizeNote(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
