/** How working one item ended; the main loop turns it into a plan edit or an exit. */
export type Outcome =
  | { kind: 'done' }
  | { kind: 'error'; reason: string }
  /** The plan was already changed (the item was replaced). */
  | { kind: 'replaced' }
  /** The fallback ran: context written, item `[?]`; the worker exits 0. */
  | { kind: 'stopped' }
  /** Leave at once with this code, touching nothing (`crash`). */
  | { kind: 'exit'; code: number };
