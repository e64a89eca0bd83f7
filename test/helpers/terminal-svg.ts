/**
 * A terminal screen as an SVG picture: the text `tmux capture-pane -e -p` prints, with its SGR
 * colour codes (bold, dim, reverse, the 16 colours), drawn cell by cell on a dark background.
 */

const CELL_WIDTH = 8.4;
const LINE_HEIGHT = 18;
const PADDING = 14;
const FOREGROUND = '#d4d4d4';
const BACKGROUND = '#1e1e1e';
const PALETTE = [
  '#1e1e1e',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];

interface Pen {
  fg: string | undefined;
  bg: string | undefined;
  bold: boolean;
  dim: boolean;
  reverse: boolean;
}

interface Run {
  column: number;
  text: string;
  pen: Pen;
}

const PLAIN: Pen = { fg: undefined, bg: undefined, bold: false, dim: false, reverse: false };

/** The pen after one SGR sequence's parameters. */
function applySgr(pen: Pen, params: number[]): Pen {
  let next = { ...pen };
  for (let i = 0; i < params.length; i++) {
    const code = params[i] as number;
    if (code === 0) next = { ...PLAIN };
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 22) next = { ...next, bold: false, dim: false };
    else if (code === 7) next.reverse = true;
    else if (code === 27) next.reverse = false;
    else if (code >= 30 && code <= 37) next.fg = PALETTE[code - 30];
    else if (code >= 90 && code <= 97) next.fg = PALETTE[code - 90 + 8];
    else if (code === 39) next.fg = undefined;
    else if (code >= 40 && code <= 47) next.bg = PALETTE[code - 40];
    else if (code >= 100 && code <= 107) next.bg = PALETTE[code - 100 + 8];
    else if (code === 49) next.bg = undefined;
    else if ((code === 38 || code === 48) && params[i + 1] === 5) {
      const colour = PALETTE[params[i + 2] ?? -1];
      if (code === 38) next.fg = colour;
      else next.bg = colour;
      i += 2;
    }
  }
  return next;
}

/** One captured line as runs of text that share a pen. */
function runsOf(line: string, start: Pen): { runs: Run[]; pen: Pen } {
  const runs: Run[] = [];
  let pen = start;
  let column = 0;
  let current: Run = { column, text: '', pen };
  // eslint-disable-next-line no-control-regex
  const parts = line.split(/(\u001b\[[0-9;]*[A-Za-z])/);
  for (const part of parts) {
    if (part.startsWith('\u001b[')) {
      if (!part.endsWith('m')) continue;
      const params = part.slice(2, -1).split(';').filter(Boolean).map(Number);
      pen = applySgr(pen, params.length > 0 ? params : [0]);
      if (current.text) runs.push(current);
      current = { column, text: '', pen };
      continue;
    }
    current.text += part;
    column += [...part].length;
  }
  if (current.text) runs.push(current);
  return { runs, pen };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The SVG of a captured screen, `columns` wide; `title` names the picture for screen readers. */
export function terminalSvg(capture: string, columns: number, title: string): string {
  const lines = capture.replace(/\n$/, '').split('\n');
  const width = Math.ceil(columns * CELL_WIDTH + 2 * PADDING);
  const height = Math.ceil(lines.length * LINE_HEIGHT + 2 * PADDING);
  const body: string[] = [];
  let pen: Pen = { ...PLAIN };
  lines.forEach((line, row) => {
    const result = runsOf(line, pen);
    pen = result.pen;
    const y = PADDING + row * LINE_HEIGHT;
    for (const run of result.runs) {
      const x = PADDING + run.column * CELL_WIDTH;
      const fg = run.pen.reverse ? (run.pen.bg ?? BACKGROUND) : (run.pen.fg ?? FOREGROUND);
      const bg = run.pen.reverse ? (run.pen.fg ?? FOREGROUND) : run.pen.bg;
      const cells = [...run.text].length;
      if (bg)
        body.push(
          `<rect x="${x.toFixed(1)}" y="${y}" width="${(cells * CELL_WIDTH).toFixed(1)}" height="${LINE_HEIGHT}" fill="${bg}"/>`,
        );
      const style = [
        run.pen.bold ? ' font-weight="bold"' : '',
        run.pen.dim ? ' opacity="0.6"' : '',
      ].join('');
      // Word by word at its own column: an SVG viewer collapses runs of spaces.
      let column = run.column;
      for (const chunk of run.text.split(/( +)/)) {
        const length = [...chunk].length;
        if (chunk !== '' && !chunk.startsWith(' '))
          body.push(
            `<text x="${(PADDING + column * CELL_WIDTH).toFixed(1)}" y="${y + LINE_HEIGHT - 5}" fill="${fg}"${style} textLength="${(length * CELL_WIDTH).toFixed(1)}" lengthAdjust="spacingAndGlyphs">${escapeXml(chunk)}</text>`,
          );
        column += length;
      }
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">
<title>${escapeXml(title)}</title>
<rect width="100%" height="100%" rx="6" fill="${BACKGROUND}"/>
<g font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="14">
${body.join('\n')}
</g>
</svg>
`;
}
