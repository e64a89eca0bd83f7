/** One finding of `dispatch doctor`: what was checked, how it went, and how to fix it. */
export interface Finding {
  level: 'ok' | 'warn' | 'error';
  subject: string;
  message: string;
  fix?: string;
  /** Whether `dispatch doctor --fix` can repair it by itself. */
  fixable?: boolean;
}

export function ok(subject: string, message: string): Finding {
  return { level: 'ok', subject, message };
}
