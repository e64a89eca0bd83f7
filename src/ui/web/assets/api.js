// Requests to the dashboard's own API. The token goes in a header on every POST; reads are
// authorized by the cookie set when the page was first opened with ?token=.

const token = document.querySelector('meta[name="dispatch-token"]')?.getAttribute('content') ?? '';

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
    await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }),
  );
}

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

export function taskPath(id) {
  return `/api/tasks/${encodeURIComponent(id)}`;
}
