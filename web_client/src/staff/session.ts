// The staff member's session: the cookie is HttpOnly, so the page learns who is logged in (and
// the CSRF token to send on writes) from the login answer or GET /auth/me.
import type { SessionOut } from "../generated/api";
import { ApiError, api, setCsrfToken } from "../shared/api";

/** Who is logged in, or null when nobody is (or a terminal or invitation is). */
export async function currentSession(): Promise<SessionOut | null> {
  try {
    return remember(await api<SessionOut>("GET", "/auth/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Null when the account is not a staff account (cannot happen with /auth/login today). */
export async function logIn(username: string, password: string): Promise<SessionOut | null> {
  return remember(await api<SessionOut>("POST", "/auth/login", { username, password }));
}

export async function logOut(): Promise<void> {
  await api("POST", "/auth/logout");
  setCsrfToken(null);
}

function remember(session: SessionOut): SessionOut | null {
  if (session.kind !== "user") return null;
  setCsrfToken(session.csrf_token);
  return session;
}
