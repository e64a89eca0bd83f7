/** What a failure cause needs to be told: the fields of `dispatch status --json`'s `cause`. */
export interface CauseFields {
  label: string;
  evidence: string;
  advice: string;
}

/**
 * "authentication failed: Not logged in", as every interface says it; `live` for a worker that
 * is still running and keeps retrying a refused or unreachable service.
 */
export function causeSummary(cause: CauseFields, live = false): string {
  return `${cause.label}${live ? ' (the worker keeps retrying)' : ''}: ${cause.evidence}`;
}
