import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { DispatchError } from '../core/errors.js';
import { parseConfig } from '../core/config/parse-config.js';
import { writeFileAtomic } from './fs/atomic-write.js';

/**
 * Edits a config file in place, keeping the user's comments and layout (a YAML document edit,
 * not a rewrite), validates the result before writing, and writes it atomically.
 */
export function editConfig(
  file: string,
  edit: (doc: ReturnType<typeof parseDocument>) => void,
): void {
  if (!existsSync(file)) {
    throw new DispatchError('config', `there is no config file at ${file}`, {
      hint: 'Run `dispatch init` to write one.',
    });
  }
  const doc = parseDocument(readFileSync(file, 'utf8'));
  edit(doc);
  const text = doc.toString();
  parseConfig(text, file);
  writeConfigFile(file, text);
}

/** Writes the config privately: the folder 0700, the file 0600. */
export function writeConfigFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, text, { mode: 0o600 });
}

export function setDefaultModel(file: string, model: string): void {
  editConfig(file, (doc) => doc.set('default', model));
}
