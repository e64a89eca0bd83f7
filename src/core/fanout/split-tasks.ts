import { ITEM_PATTERN, fencedLines, lineContent, splitLines } from '../plan/parse-plan.js';

/**
 * Splitting one plan file or request into several tasks (fan-out). The rules are deliberately
 * conservative, because splitting one job into parallel workers by mistake does more harm than
 * running several jobs as one task:
 *
 * - several tasks when the text has two or more level-1 headings (`# …`): one task per heading;
 * - else several when it has two or more numbered entries at the start of a line (`1.`, `2)`, not
 *   checklist items themselves), every entry has indented lines under it (checklist items or
 *   text), and no checklist item stands outside the entries;
 * - else one task, exactly as before.
 *
 * Fenced code blocks are never looked into. `single` never splits; `split` also splits numbered
 * entries without indented lines and ignores checklist items outside them.
 *
 * A section without checklist items whose body has plain bullets (`- `, `* `, `+ `) is a plan
 * too: people write "- fix X" and mean an item, so its top-level bullets become `[ ]` items.
 */
export type SplitMode = 'auto' | 'single' | 'split';

export interface TaskSection {
  /** The heading text, or the first line of the numbered entry. */
  title: string;
  /** The section as a plan: for a heading, its lines as written; for an entry, title + body. */
  text: string;
  /** The lines under the title, dedented and trimmed ('' when there are none). */
  body: string;
  /** Line of the title in the source, from 1. */
  line: number;
  /** The body holds at least one checklist item, so the section is a plan of its own. */
  hasChecklist: boolean;
}

export interface SplitResult {
  kind: 'single' | 'several';
  /** How the sections were found (undefined for a single task). */
  by: 'headings' | 'numbered' | undefined;
  /** Text outside the sections (an introduction, a closing remark): context for every task. */
  shared: string;
  sections: TaskSection[];
}

const H1_PATTERN = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const ENTRY_PATTERN = /^\d{1,9}[.)][ \t]+(.*\S)[ \t]*$/;
const BULLET_PATTERN = /^(\s*[-*+])([ \t]+)(\S.*)$/;

interface Source {
  lines: string[];
  contents: string[];
  fenced: boolean[];
}

function isItem(source: Source, index: number): boolean {
  return !source.fenced[index] && ITEM_PATTERN.test(source.contents[index] ?? '');
}

function trimBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lineContent(lines[start] ?? '').trim() === '') start++;
  while (end > start && lineContent(lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end);
}

function joinLines(lines: string[]): string {
  const text = trimBlankEdges(lines).join('');
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * The indexes of the top-level plain bullets among `indexes` (the shallowest bullet indentation),
 * or none when a checklist item or no bullet is there.
 */
function plainBullets(source: Source, indexes: number[]): number[] {
  if (indexes.some((index) => isItem(source, index))) return [];
  const bullets = indexes.filter(
    (index) => !source.fenced[index] && BULLET_PATTERN.test(source.contents[index] ?? ''),
  );
  const top = Math.min(...bullets.map((index) => indentOf(source.contents[index] ?? '')));
  return bullets.filter((index) => indentOf(source.contents[index] ?? '') === top);
}

/** `- text` → `- [ ] text`, keeping the indentation, the marker and the line ending. */
function checkbox(content: string): string {
  return content.replace(BULLET_PATTERN, '$1$2[ ] $3');
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, n) => start + n);
}

function indentOf(line: string): number {
  return /^\s*/.exec(line)?.[0].length ?? 0;
}

/** The lines without their common indentation and without blank lines at either end. */
function dedent(contents: string[]): string {
  const lines = trimBlankEdges(contents.map((line) => `${line}\n`)).map(lineContent);
  const width = Math.min(...lines.filter((line) => line.trim() !== '').map(indentOf));
  return lines.map((line) => line.slice(Math.min(width, indentOf(line)))).join('\n');
}

function headingSections(source: Source, starts: number[]): SplitResult {
  const sections = starts.map((start, n) => {
    const end = starts[n + 1] ?? source.lines.length;
    const body = source.contents.slice(start + 1, end);
    const bodyItems = body.some((_, offset) => isItem(source, start + 1 + offset));
    const bullets = new Set(plainBullets(source, range(start + 1, end)));
    const lines = range(start, end).map((index) => {
      const line = source.lines[index] ?? '';
      return bullets.has(index) ? line.replace(/^[^\r\n]*/, checkbox) : line;
    });
    return {
      title: (H1_PATTERN.exec(source.contents[start] ?? '')?.[1] ?? '').trim(),
      text: joinLines(lines),
      body: dedent(body),
      line: start + 1,
      hasChecklist: bodyItems || bullets.size > 0,
    };
  });
  return {
    kind: 'several',
    by: 'headings',
    shared: dedent(source.contents.slice(0, starts[0])),
    sections,
  };
}

interface Entry {
  start: number;
  /** Lines after the entry line that belong to it (indented or blank), trailing blanks dropped. */
  bodyEnd: number;
}

function numberedEntries(source: Source): Entry[] {
  const entries: Entry[] = [];
  for (let i = 0; i < source.contents.length; i++) {
    const content = source.contents[i] ?? '';
    if (source.fenced[i] || !ENTRY_PATTERN.test(content) || ITEM_PATTERN.test(content)) continue;
    let end = i + 1;
    let lastText = i;
    for (; end < source.contents.length; end++) {
      const next = source.contents[end] ?? '';
      if (next.trim() === '') continue;
      // A fenced block belongs to the entry only when it is indented like the rest of its body.
      if (!/^\s/.test(next)) break;
      lastText = end;
    }
    entries.push({ start: i, bodyEnd: lastText + 1 });
    i = lastText;
  }
  return entries;
}

function entrySections(source: Source, entries: Entry[]): SplitResult {
  const inside = new Set<number>();
  for (const entry of entries) for (let i = entry.start; i < entry.bodyEnd; i++) inside.add(i);
  const sections = entries.map((entry) => {
    const title = (ENTRY_PATTERN.exec(source.contents[entry.start] ?? '')?.[1] ?? '').trim();
    const indexes = range(entry.start + 1, entry.bodyEnd);
    const bodyLines = indexes.map((index) => source.contents[index] ?? '');
    const body = dedent(bodyLines);
    const bullets = new Set(plainBullets(source, indexes));
    const planBody = dedent(
      indexes.map((index, n) =>
        bullets.has(index) ? checkbox(bodyLines[n] ?? '') : (bodyLines[n] ?? ''),
      ),
    );
    const hasChecklist = bullets.size > 0 || indexes.some((index) => isItem(source, index));
    return {
      title,
      text: planBody ? `# ${title}\n\n${planBody}\n` : `# ${title}\n`,
      body,
      line: entry.start + 1,
      hasChecklist,
    };
  });
  const shared = source.contents.filter((_, index) => !inside.has(index));
  // The entries leave gaps where they stood: one blank line is enough between the pieces.
  const joined = dedent(shared).replace(/\n(?:[ \t]*\n){2,}/g, '\n\n');
  return { kind: 'several', by: 'numbered', shared: joined, sections };
}

const SINGLE: SplitResult = { kind: 'single', by: undefined, shared: '', sections: [] };

/** Decides whether `text` is one task or several, and cuts it into sections when several. */
export function splitTasks(text: string, mode: SplitMode = 'auto'): SplitResult {
  if (mode === 'single') return SINGLE;
  const lines = splitLines(text);
  const contents = lines.map(lineContent);
  const source: Source = { lines, contents, fenced: fencedLines(contents) };
  const headings = contents
    .map((content, index) => (!source.fenced[index] && H1_PATTERN.test(content) ? index : -1))
    .filter((index) => index >= 0);
  if (headings.length >= 2) return headingSections(source, headings);

  const entries = numberedEntries(source);
  if (entries.length < 2) return SINGLE;
  if (mode === 'split') return entrySections(source, entries);
  const everyEntryHasBody = entries.every((entry) => entry.bodyEnd > entry.start + 1);
  const inside = new Set<number>();
  for (const entry of entries) for (let i = entry.start; i < entry.bodyEnd; i++) inside.add(i);
  const itemOutside = contents.some((_, index) => !inside.has(index) && isItem(source, index));
  if (!everyEntryHasBody || itemOutside) return SINGLE;
  return entrySections(source, entries);
}
