// Reactive session state shared by the shell and pages.
import { me, type LoginResponse, type User } from './api/auth';
import { clearToken, getToken, onUnauthorized, setToken } from './api/client';
import { navigate } from './router';

export const session = $state<{ user: User | null; loading: boolean }>({ user: null, loading: false });

onUnauthorized(() => {
  session.user = null;
});

/** Load the current user if a token exists. Returns null when not logged in. */
export async function loadUser(): Promise<User | null> {
  if (!getToken()) {
    session.user = null;
    return null;
  }
  session.loading = true;
  try {
    session.user = await me();
    return session.user;
  } catch {
    // 401 already cleared the token and redirected; other errors keep the token.
    return session.user;
  } finally {
    session.loading = false;
  }
}

export function acceptLogin(res: LoginResponse): void {
  setToken(res.access_token);
  session.user = res.user;
}

export function logout(): void {
  clearToken();
  session.user = null;
  navigate('/login', { replace: true });
}

/** Roles are `admin` and `member` (see the server's users module). */
export const isAdmin = (u: User | null | undefined): boolean => u?.role === 'admin';
