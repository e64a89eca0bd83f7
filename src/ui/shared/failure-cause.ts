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

/**
 * A cause's advice with its commands filled in for this task, so each one works when pasted:
 * "`dispatch retry`" names the task, and "`dispatch retry ID --model OTHER`" names the first
 * installed alternative, or, when there is none, says so and keeps the plain retry.
 */
export function pastableAdvice(
  advice: string,
  id: string,
  alternatives: readonly string[] | null | undefined,
): string {
  const other = alternatives?.[0];
  const withModel = other
    ? advice.replace(
        /`dispatch retry ID --model OTHER`/g,
        `\`dispatch retry ${id} --model ${other}\``,
      )
    : advice.replace(
        /,? or `dispatch retry ID --model OTHER`[^.]*\./g,
        `, then \`dispatch retry ${id}\` (no other installed model is configured).`,
      );
  return withModel.replace(/`dispatch retry`/g, `\`dispatch retry ${id}\``);
}
