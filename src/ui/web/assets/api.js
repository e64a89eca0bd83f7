// Requests to the dashboard's own API, each with the page's session in a header. The session is
// made by the server when the page is opened with the printed URL (?token=) or the one-time
// login URL of `dispatch ui --open`, and kept in this origin's storage (the port is part of the
// origin, so no other local server can read it). Never a cookie: browsers send a host's cookies
// to all of its ports.

const KEY = 'dispatch-session';
const given = document.querySelector('meta[name="dispatch-session"]')?.getAttribute('content');
if (given) localStorage.setItem(KEY, given);

function session() {
  return localStorage.getItem(KEY) ?? '';
}

function headers(extra) {
  return { ...extra, Authorization: `Bearer ${session()}` };
}

export class ApiError extends Error {
  constructor(status, message, hint) {
    super(message);
    this.status = status;
    this.hint = hint;
  }
}

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

export async function getJson(path) {
  return parse(
    await fetch(path, { credentials: 'omit', headers: headers({ Accept: 'application/json' }) }),
  );
}

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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The server-sent events of /events, read with fetch (EventSource cannot send a header).
 * Reconnects after a dropped connection; stops for good when the server refuses (403: no valid
 * session, 503: the dashboard is stopping). `on` has open(), event(name, data), retrying() and
 * refused(status).
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

async function readFrames(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
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

export function taskPath(id) {
  return `/api/tasks/${encodeURIComponent(id)}`;
}
