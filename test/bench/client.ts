import type { StackInfo } from '#local/stack.ts';

// The benchmarks' HTTP client: plain fetch (undici, keep-alive) against a spawned stack.
let apiUrl = '';

export function setStack(info: StackInfo): void {
  apiUrl = info.apiUrl;
}

export async function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(apiUrl + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
