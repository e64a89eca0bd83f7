import { isControl } from './text-width.js';

/**
 * A key press as the view needs it, from readline's keypress event: `name` for named keys
 * (up, return, escape, a…), `char` for text that would be typed.
 */
export interface Key {
  name?: string;
  char?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

interface ReadlineKey {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  sequence?: string;
}

/** Converts readline's (str, key) pair; printable input keeps its text in `char`. */
export function fromKeypress(str: string | undefined, key: ReadlineKey | undefined): Key {
  const printable = str !== undefined && str !== '' && !key?.ctrl && !isControl(str);
  return {
    name: key?.name,
    char: printable ? str : undefined,
    ctrl: key?.ctrl ?? false,
    meta: key?.meta ?? false,
    shift: key?.shift ?? false,
  };
}
