import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'desk_';

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two sha256 hex digests without leaking how much of them matched. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}
