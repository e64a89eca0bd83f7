// @ts-check
// A small Markdown renderer for the worker's summary (output.md). Worker text is hostile: it is
// never parsed as HTML. Every piece becomes a DOM node made here with textContent, so markup in
// the text (<script>, <img onerror>) shows as the characters it is. Links keep only http(s) and
// mailto addresses. What it knows: headings, paragraphs, lists (with [ ] / [x]), block quotes,
// fenced and indented code, rules, and inline code, bold, italics and links.
import { el } from './dom.js';

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/**
 * Inline markup of one paragraph's text, as nodes.
 * @param {string} text
 * @returns {(Node | string)[]}
 */
export function inline(text) {
  /** @type {(Node | string)[]} */
  const out = [];
  const pattern =
    /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    last = at + match[0].length;
    const [, code, strong, strong2, em, label, href] = match;
    if (code !== undefined) out.push(el('code', { text: code }));
    else if (strong !== undefined || strong2 !== undefined)
      out.push(el('strong', {}, ...inline(strong ?? strong2 ?? '')));
    else if (em !== undefined) out.push(el('em', {}, ...inline(em)));
    else if (label !== undefined && href !== undefined && SAFE_LINK.test(href))
      out.push(
        el(
          'a',
          { attrs: { href, rel: 'noopener noreferrer nofollow', target: '_blank', title: href } },
          ...inline(label),
        ),
      );
    else out.push(match[0]);
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * @param {string} line
 * @returns {{ ordered: boolean, indent: number, text: string } | undefined}
 */
function listItem(line) {
  const match = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
  if (!match) return undefined;
  const [, indent = '', marker = '', text = ''] = match;
  return { ordered: /\d/.test(marker), indent: indent.length, text };
}

/**
 * A list item's text, with a task box for "[ ]" and "[x]".
 * @param {string} text
 */
function listContent(text) {
  const box = /^\[([ xX])\]\s+(.*)$/.exec(text);
  if (!box) return el('li', {}, ...inline(text));
  const done = box[1] !== ' ';
  return el(
    'li',
    { className: `task-item${done ? ' checked' : ''}` },
    el('span', { className: 'task-box', attrs: { 'aria-hidden': 'true' }, text: done ? '☑' : '☐' }),
    el('span', { className: 'visually-hidden', text: done ? 'Done: ' : 'To do: ' }),
    ...inline(box[2] ?? ''),
  );
}

/**
 * The Markdown text as a fragment of safe DOM nodes.
 * @param {string} source
 * @returns {DocumentFragment}
 */
export function renderMarkdown(source) {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out = document.createDocumentFragment();
  /** @type {string[]} */
  let paragraph = [];
  const flush = () => {
    if (paragraph.length > 0) out.append(el('p', {}, ...inline(paragraph.join(' '))));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const code = [];
      for (i++; i < lines.length && !(lines[i] ?? '').trim().startsWith(fence[1] ?? '```'); i++)
        code.push(lines[i]);
      out.append(el('pre', {}, el('code', { text: code.join('\n') })));
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      // The page has its own h1 and h2: the summary's headings start at h3.
      const level = Math.min(6, (heading[1] ?? '#').length + 2);
      const tag = /** @type {'h3' | 'h4' | 'h5' | 'h6'} */ (`h${level}`);
      out.append(el(tag, {}, ...inline(heading[2] ?? '')));
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.append(el('hr'));
      continue;
    }
    if (/^\s*>/.test(line)) {
      flush();
      const quoted = [];
      for (; i < lines.length && /^\s*>/.test(lines[i] ?? ''); i++)
        quoted.push((lines[i] ?? '').replace(/^\s*>\s?/, ''));
      i--;
      out.append(el('blockquote', {}, renderMarkdown(quoted.join('\n'))));
      continue;
    }
    const first = listItem(line);
    if (first) {
      flush();
      const list = el(first.ordered ? 'ol' : 'ul');
      for (; i < lines.length; i++) {
        const item = listItem(lines[i] ?? '');
        if (item) list.append(listContent(item.text));
        else if (/^\s+\S/.test(lines[i] ?? '') && list.lastElementChild)
          list.lastElementChild.append(' ', ...inline((lines[i] ?? '').trim()));
        else break;
      }
      i--;
      out.append(list);
      continue;
    }
    if (/^( {4}|\t)/.test(line) && paragraph.length === 0) {
      const code = [];
      for (; i < lines.length && /^( {4}|\t)/.test(lines[i] ?? ''); i++)
        code.push((lines[i] ?? '').replace(/^( {4}|\t)/, ''));
      i--;
      out.append(el('pre', {}, el('code', { text: code.join('\n') })));
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return out;
}
