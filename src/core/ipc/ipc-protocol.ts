/**
 * The worker-initiated IPC folder of the compatibility contract:
 *   NNN.question (worker) → NNN.answer (dispatcher) → NNN.done (worker's acknowledgment),
 *   .done when all work is finished. Every write is temp file + rename, so anything else in the
 *   folder (leftover *.tmp files, stray files) is ignored here.
 */
export const COMPLETION_MARKER = '.done';

const IPC_FILE = /^(\d{3,9})\.(question|answer|done)$/;

export type IpcKind = 'question' | 'answer' | 'done';

export interface IpcExchange {
  seq: number;
  hasQuestion: boolean;
  hasAnswer: boolean;
  hasAck: boolean;
}

export interface IpcState {
  exchanges: IpcExchange[];
  /** Questions with no answer yet, oldest first. */
  unanswered: number[];
  /** Answered questions the worker has not acknowledged yet. */
  unacknowledged: number[];
  complete: boolean;
  nextSeq: number;
}

export function formatSeq(seq: number): string {
  return String(seq).padStart(3, '0');
}

export function ipcFileName(seq: number, kind: IpcKind): string {
  return `${formatSeq(seq)}.${kind}`;
}

export function parseIpcFileName(name: string): { seq: number; kind: IpcKind } | undefined {
  const match = IPC_FILE.exec(name);
  if (!match) return undefined;
  return { seq: Number(match[1]), kind: match[2] as IpcKind };
}

/** Derives the state of the exchange from the names in the IPC folder. */
export function readIpcState(names: Iterable<string>): IpcState {
  const bySeq = new Map<number, IpcExchange>();
  let complete = false;
  for (const name of names) {
    if (name === COMPLETION_MARKER) {
      complete = true;
      continue;
    }
    const parsed = parseIpcFileName(name);
    if (!parsed) continue;
    let exchange = bySeq.get(parsed.seq);
    if (!exchange) {
      exchange = { seq: parsed.seq, hasQuestion: false, hasAnswer: false, hasAck: false };
      bySeq.set(parsed.seq, exchange);
    }
    if (parsed.kind === 'question') exchange.hasQuestion = true;
    else if (parsed.kind === 'answer') exchange.hasAnswer = true;
    else exchange.hasAck = true;
  }
  const exchanges = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const last = exchanges[exchanges.length - 1];
  return {
    exchanges,
    unanswered: exchanges.filter((e) => e.hasQuestion && !e.hasAnswer).map((e) => e.seq),
    unacknowledged: exchanges.filter((e) => e.hasAnswer && !e.hasAck).map((e) => e.seq),
    complete,
    nextSeq: last ? last.seq + 1 : 1,
  };
}
