// /mfa: TOTP enrolment, status and disabling.
import { api, ok, type Schema } from './client';

export type MfaStatus = Schema<'MfaStatus'>;
export type MfaEnrollment = Schema<'EnrollResponse'>;

export const mfaStatus = () => ok(api.GET('/api/v1/mfa/status'));
export const enroll = () => ok(api.POST('/api/v1/mfa/enroll'));
export const verifyEnrollment = (code: string) => ok(api.POST('/api/v1/mfa/verify-enrollment', { body: { code } }));
export const disable = (code: string, password: string) => ok(api.POST('/api/v1/mfa/disable', { body: { code, password } }));
