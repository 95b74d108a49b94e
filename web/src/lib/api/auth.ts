// /auth and /health: login, the current user, password change, Supabase sign-in.
import { api, ok, okPublic, open, type Schema } from './client';

export type User = Schema<'UserResponse'>;
/** What login, Supabase exchange and password change answer: a fresh token and the user. */
export type LoginResponse = Schema<'TokenResponse'>;
export type AuthStatus = Schema<'AuthStatus'>;
export type Health = Schema<'Health'>;

export const health = () => okPublic(open.GET('/api/v1/health'));

export const authStatus = () => okPublic(open.GET('/api/v1/auth/status'));

export const login = (email: string, password: string, totp_code?: string) =>
  okPublic(open.POST('/api/v1/auth/login', { body: totp_code ? { email, password, totp_code } : { email, password } }));

export const me = () => ok(api.GET('/api/v1/auth/me'));

export const changePassword = (current_password: string, new_password: string) =>
  ok(api.PUT('/api/v1/auth/change-password', { body: { current_password, new_password } }));

export const supabaseConfig = () => okPublic(open.GET('/api/v1/auth/supabase-config'));

export const supabaseExchange = (access_token: string, totp_code?: string) =>
  okPublic(
    open.POST('/api/v1/auth/supabase-exchange', {
      body: totp_code ? { access_token, totp_code } : { access_token },
    }),
  );

/** Link the Supabase identity behind `access_token` to the signed-in account. */
export const supabaseLink = (access_token: string) =>
  ok(api.POST('/api/v1/auth/supabase-link', { body: { access_token } }));
