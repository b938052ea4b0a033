// Calling the JSON API from outside over real HTTP, as an integrator would, and checking the
// RFC 9457 problems it answers with.
import assert from 'node:assert/strict';

const PROBLEM_TYPE = /^https:\/\/onedoor\.example\/problems\/[a-z-]+$/;

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (the documentation page)
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A problem answer as RFC 9457 and CONTRACT.md describe it. */
export function assertProblem(answer: Answer, status: number, type: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.match(String(answer.body.type), PROBLEM_TYPE);
  assert.equal(answer.body.type, `https://onedoor.example/problems/${type}`);
  assert.equal(typeof answer.body.title, 'string');
  assert.ok(String(answer.body.title).length > 0);
  assert.equal(answer.body.status, status);
}
