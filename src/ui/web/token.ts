import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh access token: 192 random bits, URL-safe. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first, so the comparison also takes the same
 * time whatever the length of the guess.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
