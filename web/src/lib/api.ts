// The one way the pages talk to the API: JSON in and out, problem details turned into
// ApiProblem so a form can put each `errors[].path` beside its field.
export interface FieldError {
  path: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: FieldError[],
    readonly body: Record<string, unknown>,
  ) {
    super(detail ?? title);
  }
}

// The API's origin: same origin on the local stack; on AWS, /config.json next to the
// pages names API Gateway's URL. Fetched once, at the first call.
let apiBase: Promise<string> | undefined;
export function apiUrl(): Promise<string> {
  // A failed fetch is not remembered (a weak signal must not break the tab until reload),
  // and only an explicit "" means the same origin.
  apiBase ??= fetch('/config.json', { cache: 'no-cache' })
    .then((r) => (r.ok ? (r.json() as Promise<{ apiUrl?: unknown }>) : Promise.reject(new Error('config'))))
    .then((c) => {
      if (typeof c.apiUrl !== 'string') throw new Error('config');
      return c.apiUrl.replace(/\/$/, '');
    })
    .catch((error: unknown) => {
      apiBase = undefined;
      throw error;
    });
  return apiBase;
}

export interface Session {
  token: string;
  role: string;
}

export interface RequestOptions {
  body?: unknown;
  session?: Session | null;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** More headers (the waiting room's X-Admission-Token). */
  headers?: Record<string, string>;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.session) headers.authorization = `Bearer ${options.session.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  Object.assign(headers, options.headers);
  let response: Response;
  try {
    response = await fetch(`${await apiUrl()}${path}`, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch {
    throw new ApiProblem(0, 'network', 'network', undefined, [], {});
  }
  const text = await response.text();
  const body = text ? safeJson(text) : {};
  if (response.ok) return body as T;
  const type = typeof body.type === 'string' ? body.type : '';
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  return Promise.reject(
    new ApiProblem(
      response.status,
      type.slice(type.lastIndexOf('/') + 1) || `http-${response.status}`,
      typeof body.title === 'string' ? body.title : response.statusText,
      typeof body.detail === 'string' ? body.detail : undefined,
      errors,
      body,
    ),
  );
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A fresh key per user action: a retried click repeats the same action, never a second one. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Sessions live in the tab only (sessionStorage): closing it signs out. */
export function sessionStore(name: string) {
  const key = `prakerja.${name}.session`;
  return {
    get(): Session | null {
      const raw = sessionStorage.getItem(key);
      return raw ? (JSON.parse(raw) as Session) : null;
    },
    set(session: Session | null) {
      if (session) sessionStorage.setItem(key, JSON.stringify(session));
      else sessionStorage.removeItem(key);
    },
  };
}
