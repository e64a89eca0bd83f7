import { DispatchError } from '../errors.js';

/** Ids are kebab-case, short, and safe as a single path segment. */
const ID_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/i;
const MAX_SLUG_LENGTH = 40;

export function isValidTaskId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.includes('..');
}

/** Throws a clear error for anything that could escape `.dispatch/tasks/` or confuse a shell. */
export function assertValidTaskId(id: string): string {
  if (!isValidTaskId(id)) {
    const shown = JSON.stringify(id).slice(0, 80);
    throw new DispatchError('invalid-id', `invalid task id ${shown}`, {
      hint: 'Task ids are 1-64 letters, digits, "-", "_" or "." (no "/", "..", spaces or control characters), such as "security-review".',
    });
  }
  return id;
}

/** A kebab-case slug from free text: "Review the Auth module!" → "review-the-auth-module". */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG_LENGTH) break;
    slug = next;
  }
  if (!slug && words[0]) slug = words[0].slice(0, MAX_SLUG_LENGTH);
  return slug || 'task';
}

/** The slug of `title`, suffixed -2, -3, … until `isTaken` says it is free. */
export function uniqueTaskId(title: string, isTaken: (id: string) => boolean): string {
  const base = slugify(title);
  if (!isTaken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!isTaken(candidate)) return candidate;
  }
}
