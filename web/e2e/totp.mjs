// RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) for the browser tests.
import { createHmac } from 'node:crypto';

/** RFC 4648 base32 → bytes (case-insensitive, padding and spaces ignored). */
export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = s.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character: ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The current 30-second step number (optionally at a given unix time in seconds). */
export const totpStep = (unixSeconds = Date.now() / 1000) => Math.floor(unixSeconds / 30);

/** The 6-digit code for `step` (a counter) under a base32 `secret`. */
export function hotp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1_000_000).padStart(6, '0');
}

/** TOTP code for the current step plus `stepOffset`. */
export const totp = (secret, stepOffset = 0) => hotp(secret, totpStep() + stepOffset);
