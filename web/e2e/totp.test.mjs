// Checks the test helper itself against the RFC 6238 SHA-1 vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, hotp, totpStep } from './totp.mjs';

// "12345678901234567890" in base32
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('base32 decodes the RFC secret', () => {
  assert.equal(base32Decode(SECRET).toString(), '12345678901234567890');
  assert.equal(base32Decode('mzxw6===').toString(), 'foo');
});

test('RFC 6238 appendix B vectors (last 6 digits)', () => {
  const vectors = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ];
  for (const [t, code] of vectors) assert.equal(hotp(SECRET, totpStep(t)), code, `T=${t}`);
});
