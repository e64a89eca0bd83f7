/** A `dispatch …` command the skill teaches, with where it was found. */
export interface TaughtCommand {
  /** The command as written, with a heredoc body when it has one. */
  text: string;
  /** In a fenced code block (meant to be run as is) or inline code (may be a fragment). */
  source: 'block' | 'inline';
  line: number;
}

const COMMAND = /^(?:\$\s+)?(dispatch(?:\s.*)?)$/;
const HEREDOC = /<<-?\s*'?"?(\w+)'?"?\s*$/;

/**
 * Every `dispatch` command line in a markdown text: lines of fenced code blocks (with the body of
 * a heredoc they open) and inline code spans that start with `dispatch`. Frontmatter is skipped.
 */
export function taughtCommands(markdown: string): TaughtCommand[] {
  const lines = markdown.split('\n');
  let start = 0;
  if (lines[0] === '---') start = lines.indexOf('---', 1) + 1;
  const found: TaughtCommand[] = [];
  let fence: string | undefined;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    const fenceMark = /^(```+|~~~+)/.exec(trimmed)?.[1];
    if (fenceMark && (fence === undefined || fenceMark === fence)) {
      fence = fence === undefined ? fenceMark : undefined;
      continue;
    }
    if (fence !== undefined) {
      const command = COMMAND.exec(trimmed)?.[1];
      if (!command) continue;
      const body = [command];
      const terminator = HEREDOC.exec(command)?.[1];
      if (terminator) {
        while (++i < lines.length) {
          const next = (lines[i] as string).trim();
          body.push(next);
          if (next === terminator) break;
        }
      }
      found.push({ text: body.join('\n'), source: 'block', line: i + 1 });
      continue;
    }
    for (const match of line.matchAll(/`([^`]+)`/g)) {
      const code = (match[1] as string).trim();
      if (COMMAND.test(code)) found.push({ text: code, source: 'inline', line: i + 1 });
    }
  }
  // The same command taught twice is run once, as a block if it is one anywhere.
  const unique = new Map<string, TaughtCommand>();
  for (const command of found) {
    const seen = unique.get(command.text);
    if (!seen || (seen.source === 'inline' && command.source === 'block'))
      unique.set(command.text, command);
  }
  return [...unique.values()];
}

/** The subcommand a command line runs (`""` for the bare warm-up `dispatch`). */
export function subcommand(text: string): string {
  return text.split(/\s+/)[1] ?? '';
}

/** Fills the skill's placeholders: ID with a task id, MODEL with a model, … with some text. */
export function fillPlaceholders(text: string, values: { id: string; model: string }): string {
  return text
    .replace(/\bID\b/g, values.id)
    .replace(/\bMODEL\b/g, values.model)
    .replace(/…/g, 'Use the staging database');
}
