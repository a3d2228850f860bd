import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyBits, keyWeakness } from './key-strength.ts';

describe('keyWeakness', () => {
  it.each(['password', 'wk_test_write_key', 'ak_bench', 'a'.repeat(64), 'ab'.repeat(40), '0123456789abcdef0123456789abcde'])('refuses %s', (k) => {
    expect(keyWeakness(k)).toMatch(/too weak/);
  });

  it('accepts generated keys, 22 base64url characters and 32 hex digits', () => {
    for (let i = 0; i < 50; i++) {
      expect(keyWeakness(`wk_${randomBytes(18).toString('base64url')}`)).toBeUndefined();
      expect(keyWeakness(randomBytes(16).toString('hex'))).toBeUndefined();
    }
    expect(keyWeakness('Zq3xT9bLw7VkP2mNc8RfYd')).toBeUndefined();
  });

  it('counts hex at 4 bits a character and lower-case letters at log2(26)', () => {
    expect(keyBits('deadbeef')).toBe(32);
    expect(keyBits('password')).toBeCloseTo(8 * Math.log2(26));
  });
});
