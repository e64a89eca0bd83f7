/** Names the config accepts, kept apart from the schema so reading them does not load the validator. */
export const BACKEND_TYPES = [
  'claude',
  'cursor',
  'codex',
  'gemini',
  'opencode',
  'generic',
  'sim',
] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

export function isBackendType(name: string): name is BackendType {
  return (BACKEND_TYPES as readonly string[]).includes(name);
}

export const NOTIFY_EVENTS = ['question', 'completed', 'failed', 'timed-out', 'cancelled'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
