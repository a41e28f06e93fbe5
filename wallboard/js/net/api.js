// REST calls to the hub (/api/v1). The session cookie rides along; a 401
// sends the page to the login form.
export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

export async function api(method, path, body) {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = data.error || {};
    throw new ApiError(res.status, e.code || 'error', e.message || res.statusText);
  }
  return data;
}

export function toLogin() {
  location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
}
