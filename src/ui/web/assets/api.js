// @ts-check
// Requests to the dashboard's own API, each with the page's session in a header. The session is
// made by the server when the page is opened with the printed URL (?token=) or the one-time
// login URL of `dispatch ui --open`, and kept in this origin's storage (the port is part of the
// origin, so no other local server can read it). Never a cookie: browsers send a host's cookies
// to all of its ports.

const KEY = 'dispatch-session';
const given = document.querySelector('meta[name="dispatch-session"]')?.getAttribute('content');
if (given) localStorage.setItem(KEY, given);

/** @returns {string} */
function session() {
  return localStorage.getItem(KEY) ?? '';
}

/**
 * @param {Record<string, string>} extra
 * @returns {Record<string, string>}
 */
function headers(extra) {
  return { ...extra, Authorization: `Bearer ${session()}` };
}

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
    await fetch(path, { credentials: 'omit', headers: headers({ Accept: 'application/json' }) }),
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
      credentials: 'omit',
      headers: headers({ 'Content-Type': 'application/json', Accept: 'application/json' }),
      body: JSON.stringify(body),
    }),
  );
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The server-sent events of /events, read with fetch (EventSource cannot send a header).
 * Reconnects after a dropped connection; stops for good when the server refuses (403: no valid
 * session, 503: the dashboard is stopping). `on` has open(), event(name, data), retrying() and
 * refused(status).
 * @param {{ open(): void, event(name: string, data: string): void, retrying(): void, refused(status: number): void }} on
 */
export function streamEvents(on) {
  void (async () => {
    for (;;) {
      let response;
      try {
        response = await fetch('/events', {
          credentials: 'omit',
          headers: headers({ Accept: 'text/event-stream' }),
        });
      } catch {
        on.retrying();
        await sleep(2000);
        continue;
      }
      if (!response.ok || !response.body) {
        on.refused(response.status);
        return;
      }
      on.open();
      try {
        await readFrames(response.body, on.event);
      } catch {
        // the connection dropped
      }
      on.retrying();
      await sleep(2000);
    }
  })();
}

/**
 * @param {ReadableStream<Uint8Array>} body
 * @param {(name: string, data: string) => void} onEvent
 */
async function readFrames(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) onEvent(name, data.join('\n'));
    }
  }
}

/** @param {string} id */
export function taskPath(id) {
  return `/api/tasks/${encodeURIComponent(id)}`;
}
