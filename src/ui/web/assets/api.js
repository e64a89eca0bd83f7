// @ts-check
// Requests to the dashboard's own API. The token goes in a header on every POST; reads are
// authorized by the cookie set when the page was first opened with ?token=.

const token = document.querySelector('meta[name="dispatch-token"]')?.getAttribute('content') ?? '';

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string | null | undefined} hint
   */
  constructor(status, message, hint) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

/**
 * The JSON body of a response; a refusal throws its error and hint as an ApiError.
 * @param {Response} response
 * @returns {Promise<any>}
 */
async function parse(response) {
  let data;
  try {
    data = await response.json();
  } catch {
    data = { error: `the server answered ${response.status}`, hint: null };
  }
  if (!response.ok) throw new ApiError(response.status, data.error, data.hint);
  return data;
}

/** @param {string} path */
export async function getJson(path) {
  return parse(
    await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }),
  );
}

/**
 * @param {string} path
 * @param {Record<string, unknown>} body
 */
export async function postJson(path, body) {
  return parse(
    await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    }),
  );
}

/** @param {string} id */
export function taskPath(id) {
  return `/api/tasks/${encodeURIComponent(id)}`;
}
