/**
 * Test helper (not a test file): a seeded generator of plan-like markdown for property-style
 * round-trip tests of the plan model. Texts mix items with every bullet and marker (and some
 * near-misses), headings, dispatcher notes, quotes, fences, HTML, unicode, tabs, LF/CRLF endings,
 * a byte order mark and a missing final newline.
 */
/** mulberry32: small, fast, deterministic, so a failing input can be reproduced. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random plan-like text. */
export function randomPlanText(random: () => number): string {
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)] as T;
  const words = [
    'fix',
    'auth',
    'Ünïcode',
    '日本',
    '🎉',
    '[x]',
    '#',
    '>',
    '**Note**',
    'C#',
    '`x`',
    '',
  ];
  const phrase = (): string =>
    Array.from({ length: Math.floor(random() * 5) }, () => pick(words)).join(' ');
  const indent = (): string => pick(['', '', ' ', '  ', '    ', '\t', ' \t', '      ']);
  const line = (): string => {
    switch (Math.floor(random() * 12)) {
      case 0:
        return `${pick(['#', '##', '###', '#', ' #', '#'])}${pick([' ', '\t', ''])}${phrase()}${pick(['', ' #', ' ##', '  '])}`;
      case 1:
      case 2:
      case 3:
        return `${indent()}${pick(['-', '*', '+', '1.', '2)', '10.'])}${pick([' ', '  ', '\t'])}[${pick([' ', 'x', 'X', '?', '!', '-', ''])}]${pick([' ', '', '  '])}${phrase()}${pick(['', ' ', '\t'])}`;
      case 4:
        return `${indent()}${pick(['Question: ', 'Error: ', ''])}${phrase()}`;
      case 5:
        return `${pick(['', ' '])}>${pick([' ', ''])}**Note from dispatcher:**${pick([' ', ''])}${phrase()}`;
      case 6:
        return `>${pick([' ', ''])}${phrase()}`;
      case 7:
        return `${indent()}${pick(['```', '~~~', '````', '```ts', '~~~~'])}`;
      case 8:
        return pick(['<!-- comment -->', '<details>', '</details>', '| a | b |', '---']);
      case 9:
      case 10:
        return '';
      default:
        return phrase();
    }
  };
  const count = Math.floor(random() * 25);
  const eol = pick(['\n', '\r\n', 'mixed']);
  let text = random() < 0.15 ? '\uFEFF' : '';
  for (let i = 0; i < count; i++) {
    const ending = eol === 'mixed' ? pick(['\n', '\r\n']) : eol;
    text += line() + (i === count - 1 && random() < 0.3 ? '' : ending);
  }
  return text;
}
