import type { Key } from './keys.js';
import { isControl } from './text-width.js';

/** A one-line text field: characters (code points, so an emoji is one) and a cursor between them. */
export interface Editor {
  chars: readonly string[];
  cursor: number;
}

export const emptyEditor: Editor = { chars: [], cursor: 0 };

export function editorText(editor: Editor): string {
  return editor.chars.join('');
}

export function insertText(editor: Editor, text: string): Editor {
  // Pasted line breaks and tabs become spaces: the prompt is one line.
  const added = Array.from(text.replace(/[\r\n\t]+/g, ' ')).filter((char) => !isControl(char));
  if (added.length === 0) return editor;
  return {
    chars: [
      ...editor.chars.slice(0, editor.cursor),
      ...added,
      ...editor.chars.slice(editor.cursor),
    ],
    cursor: editor.cursor + added.length,
  };
}

function remove(editor: Editor, from: number, to: number): Editor {
  const start = Math.max(0, from);
  const end = Math.min(editor.chars.length, to);
  if (end <= start) return editor;
  return {
    chars: [...editor.chars.slice(0, start), ...editor.chars.slice(end)],
    cursor: start,
  };
}

function wordStartBefore(editor: Editor): number {
  let i = editor.cursor;
  while (i > 0 && editor.chars[i - 1] === ' ') i--;
  while (i > 0 && editor.chars[i - 1] !== ' ') i--;
  return i;
}

/**
 * Applies an editing key (emacs-style bindings as in a shell); returns undefined for keys that
 * are not editing keys, so the caller can treat them (Enter, Esc).
 */
export function editKey(editor: Editor, key: Key): Editor | undefined {
  const { cursor, chars } = editor;
  if (key.ctrl) {
    switch (key.name) {
      case 'a':
        return { chars, cursor: 0 };
      case 'e':
        return { chars, cursor: chars.length };
      case 'b':
        return { chars, cursor: Math.max(0, cursor - 1) };
      case 'f':
        return { chars, cursor: Math.min(chars.length, cursor + 1) };
      case 'u':
        return remove(editor, 0, cursor);
      case 'k':
        return remove(editor, cursor, chars.length);
      case 'w':
        return remove(editor, wordStartBefore(editor), cursor);
      case 'h':
        return remove(editor, cursor - 1, cursor);
      case 'd':
        return remove(editor, cursor, cursor + 1);
      default:
        return undefined;
    }
  }
  switch (key.name) {
    case 'backspace':
      return key.meta
        ? remove(editor, wordStartBefore(editor), cursor)
        : remove(editor, cursor - 1, cursor);
    case 'delete':
      return remove(editor, cursor, cursor + 1);
    case 'left':
      return { chars, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { chars, cursor: Math.min(chars.length, cursor + 1) };
    case 'home':
      return { chars, cursor: 0 };
    case 'end':
      return { chars, cursor: chars.length };
    default:
      break;
  }
  if (key.char !== undefined && !key.meta) return insertText(editor, key.char);
  return undefined;
}
