import { stringify } from 'yaml';

export interface RenderBackend {
  name: string;
  command: string;
  /** Why it is here, e.g. "found at /usr/bin/claude". */
  comment: string;
}

export interface RenderInput {
  backends: RenderBackend[];
  models: { name: string; backend: string; id?: string }[];
  default: string;
}

function scalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** A commented config.yaml in the new format, as `dispatch init` writes it. */
export function renderConfig(input: RenderInput): string {
  const lines = [
    '# agent-dispatch configuration (see docs/config.md).',
    '# Commands are shell-style strings; the prompt and `--model <id>` are appended as separate arguments.',
    '',
    '# The model used when a task names none.',
    `default: ${scalar(input.default)}`,
    '',
    '# How to start each agent CLI non-interactively. `isolate: true` under a backend runs its',
    '# workers without your own instruction files, settings, skills and hooks (docs/config.md).',
    'backends:',
  ];
  for (const backend of input.backends) {
    lines.push(
      `  # ${backend.comment}`,
      `  ${backend.name}:`,
      `    command: ${scalar(backend.command)}`,
    );
  }
  lines.push(
    '',
    '# Models by name, and the backend that runs each (`id:` sets what --model receives).',
    'models:',
  );
  for (const model of input.models) {
    const id = model.id && model.id !== model.name ? `, id: ${scalar(model.id)}` : '';
    lines.push(`  ${scalar(model.name)}: { backend: ${backendKey(model.backend)}${id} }`);
  }
  lines.push(
    '',
    '# Aliases pick a model and add instructions, e.g.:',
    '# aliases:',
    '#   reviewer: { model: ' +
      scalar(input.default) +
      ', prompt: "Review only; do not change code." }',
    '',
    '# Stop waiting for a silent worker after this many minutes (it is reported as timed out).',
    '# timeout_minutes: 30',
    '# Run at most this many workers at once in one project; more wait in a queue.',
    '# max_parallel: 4',
    '',
  );
  return lines.join('\n');
}

function backendKey(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : scalar(name);
}
