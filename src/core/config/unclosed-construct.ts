import { Parser } from 'yaml';

/**
 * Where the bracket, brace or quote that a YAML error is about was opened. The parser reports
 * where it gave up (often the line after), which alone sends the user to the wrong line.
 */
export interface OpenedConstruct {
  offset: number;
  what: string;
}

interface Token {
  type?: string;
  offset?: number;
  source?: string;
  start?: Token | Token[];
  end?: Token[];
}

const CLOSERS: Record<string, string> = { '[': ']', '{': '}' };

/** The innermost bracket, brace or quote opened before `stop` and never closed, if any. */
export function unclosedConstructBefore(text: string, stop: number): OpenedConstruct | undefined {
  let found: OpenedConstruct | undefined;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const token = node as Token;
    const opened = unclosed(token);
    if (opened && opened.offset <= stop && (!found || opened.offset > found.offset)) found = opened;
    for (const value of Object.values(token)) if (typeof value === 'object') visit(value);
  };
  visit([...new Parser().parse(text)]);
  return found;
}

function unclosed(token: Token): OpenedConstruct | undefined {
  if (token.offset === undefined) return undefined;
  if (token.type === 'flow-collection' && token.start && !Array.isArray(token.start)) {
    const open = token.start.source ?? '';
    const close = CLOSERS[open];
    if (close && !(token.end ?? []).some((end) => end.source === close))
      return { offset: token.offset, what: `the ${open} opened` };
  }
  if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') {
    const source = token.source ?? '';
    const quote = source[0] ?? '';
    if (!closesQuote(source, quote)) return { offset: token.offset, what: `the ${quote} opened` };
  }
  return undefined;
}

function closesQuote(source: string, quote: string): boolean {
  if (source.length < 2 || !source.endsWith(quote)) return false;
  if (quote === "'") return true;
  // A double quote preceded by an odd number of backslashes is escaped, not closing.
  let backslashes = 0;
  for (let i = source.length - 2; i > 0 && source[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}
