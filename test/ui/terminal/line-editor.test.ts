import { describe, expect, it } from 'vitest';
import {
  editKey,
  editorText,
  emptyEditor,
  insertText,
  type Editor,
} from '../../../src/ui/terminal/line-editor.js';
import type { Key } from '../../../src/ui/terminal/keys.js';

function type(editor: Editor, ...keys: (Key | string)[]): Editor {
  let current = editor;
  for (const k of keys) {
    const key = typeof k === 'string' ? { name: k, char: k } : k;
    current = editKey(current, key) ?? current;
  }
  return current;
}

describe('the prompt line editor', () => {
  it('inserts at the cursor and moves it with arrows, Home/End and Ctrl-A/E', () => {
    let e = type(emptyEditor, 'a', 'c', { name: 'left' }, 'b');
    expect(editorText(e)).toBe('abc');
    expect(e.cursor).toBe(2);
    e = type(e, { name: 'home' }, '>', { name: 'end' }, '<');
    expect(editorText(e)).toBe('>abc<');
    e = type(e, { name: 'a', ctrl: true }, { name: 'right' }, { name: 'e', ctrl: true });
    expect(e.cursor).toBe(5);
  });

  it('deletes backwards, forwards, a word (Ctrl-W) and to either end (Ctrl-U, Ctrl-K)', () => {
    const e = insertText(emptyEditor, 'use the blue one');
    expect(editorText(type(e, { name: 'backspace' }))).toBe('use the blue on');
    expect(editorText(type(e, { name: 'w', ctrl: true }))).toBe('use the blue ');
    expect(editorText(type(e, { name: 'left' }, { name: 'left' }, { name: 'u', ctrl: true }))).toBe(
      'ne',
    );
    const atStart = type(e, { name: 'home' });
    expect(editorText(type(atStart, { name: 'delete' }))).toBe('se the blue one');
    expect(editorText(type(atStart, { name: 'backspace' }))).toBe('use the blue one');
    expect(editorText(type(atStart, { name: 'right' }, { name: 'k', ctrl: true }))).toBe('u');
  });

  it('treats an emoji as one character and turns pasted line breaks into spaces', () => {
    let e = insertText(emptyEditor, 'ok 👍');
    expect(e.chars).toHaveLength(4);
    e = type(e, { name: 'backspace' });
    expect(editorText(e)).toBe('ok ');
    expect(editorText(insertText(emptyEditor, 'line one\r\nline two\tend'))).toBe(
      'line one line two end',
    );
  });

  it('drops control characters and leaves Enter and Esc to the caller', () => {
    expect(editorText(insertText(emptyEditor, 'a\u001b[31mb\u0007'))).toBe('a[31mb');
    expect(editKey(emptyEditor, { name: 'return' })).toBeUndefined();
    expect(editKey(emptyEditor, { name: 'escape' })).toBeUndefined();
    expect(editKey(emptyEditor, { name: 'x', char: 'x', meta: true })).toBeUndefined();
  });
});
