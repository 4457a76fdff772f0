// The REST API (/api/v1) as the browser sees it: JSON in and out, the server's error shape
// ({"error": {code, message, details?}}) turned into ApiError, the CSRF token echoed on writes.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds to wait before trying again, from a Retry-After header (e.g. a throttled login). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let invitationToken: string | null = null;

/** Remember the CSRF token that came with the login (or with GET /auth/me); absent: none. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

/** Authenticate every request with this invitation (people without an account). */
export function useInvitation(token: string | null): void {
  invitationToken = token;
}

export function invitation(): string | null {
  return invitationToken;
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What authenticates a request: the invitation (if any), the CSRF token on writes. */
export function authHeaders(method: Method): Record<string, string> {
  const headers: Record<string, string> = {};
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  if (invitationToken) headers.Authorization = `Invitation ${invitationToken}`;
  return headers;
}

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    ...authHeaders(method),
  };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return send<T>(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A request to the API whose JSON answer is returned, or its refusal thrown as ApiError (a
 * network failure: code "network"; one aborted through `init.signal`: code "cancelled"). */
export async function send<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, credentials: "same-origin" });
  } catch (error) {
    if (init.signal?.aborted) throw new ApiError(0, "cancelled", "cancelled");
    throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
  }
  return answer<T>(response);
}

/** GET a file of the API (`url` as the server gave it, /api/v1/...) with the request's
 * credentials, the invitation's header included (a link cannot send it): the answer, to read
 * as a Blob; a refusal thrown as ApiError. */
export async function fetchFile(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers: authHeaders("GET"), credentials: "same-origin" });
  } catch (error) {
    throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) await answer<never>(response); // throws the server's refusal
  return response;
}

/** GET `path` unless the copy the caller holds (its ETag: `held`) is still current: the value
 * and its ETag, or null when the server answered 304 Not Modified. */
export async function getIfChanged<T>(
  path: string,
  held: string | null,
): Promise<{ value: T; tag: string | null } | null> {
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders("GET") };
  if (held !== null) headers["If-None-Match"] = held;
  let response: Response;
  try {
    // no-store: the 304 comes to us (the browser's cache would turn it into its own copy)
    response = await fetch(`/api/v1${path}`, {
      headers,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
  }
  if (response.status === 304) return null;
  const value = await answer<T>(response);
  return { value, tag: response.headers.get("ETag") };
}

/** The JSON of an answer, or its refusal thrown as ApiError. */
export async function answer<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
  }
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (
      parsed as {
        error?: { code?: string; message?: string; details?: unknown };
      }
    )?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "http",
      error?.message ?? response.statusText,
      error?.details,
      retryAfterSeconds(response),
    );
  }
  return parsed as T;
}

function retryAfterSeconds(response: Response): number | undefined {
  const seconds = Number(response.headers.get("Retry-After") ?? Number.NaN);
  return Number.isFinite(seconds) ? seconds : undefined;
}
