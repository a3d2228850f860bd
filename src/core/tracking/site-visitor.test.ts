import { describe, expect, it } from 'vitest';
import type { Message } from '../schemas/segment-message.ts';
import { identifyToken, IDENTIFY_TTL_MS } from './site-identify.ts';
import { identifyVisitor, type SiteVisitorDeps } from './site-visitor.ts';

const SECRET = 'site-visitor-unit-secret-0123456789';
const NOW = Date.UTC(2026, 5, 1, 12);

function deps(identities: Record<string, { kind: string; value: string }[]>) {
  const ingested: Message[] = [];
  let n = 0;
  const d: SiteVisitorDeps = {
    secret: async () => SECRET,
    identities: async (id) => identities[id] ?? null,
    ingest: async (m) => { ingested.push(...m); },
    now: () => NOW,
    newMessageId: () => `m-${++n}`,
  };
  return { d, ingested };
}

describe('identifyVisitor', () => {
  it('ties the anonymous id to the user id, when the recipient has one', async () => {
    const { d, ingested } = deps({ p1: [{ kind: 'anonymous_id', value: 'old' }, { kind: 'email', value: 'ann@example.com' }, { kind: 'user_id', value: 'u1' }] });
    expect(await identifyVisitor({ token: identifyToken('p1', SECRET, NOW), anonymousId: 'browser-1' }, d)).toEqual({ userId: 'u1' });
    expect(ingested).toHaveLength(1);
    expect(ingested[0]).toMatchObject({ type: 'identify', userId: 'u1', anonymousId: 'browser-1', source: 'site', receivedAt: NOW });
    expect(ingested[0]!.traits ?? {}).not.toHaveProperty('email');
  });

  it('ties it to the email when there is no user id, and does not answer the email', async () => {
    const { d, ingested } = deps({ p2: [{ kind: 'email', value: 'bob@example.com' }] });
    expect(await identifyVisitor({ token: identifyToken('p2', SECRET, NOW), anonymousId: 'browser-2' }, d)).toEqual({ userId: null });
    expect(ingested[0]).toMatchObject({ type: 'identify', anonymousId: 'browser-2', traits: { email: 'bob@example.com' } });
    expect(ingested[0]!.userId).toBeUndefined();
  });

  it('refuses an erased recipient, or one with nothing to tie to, and ingests nothing', async () => {
    const { d, ingested } = deps({ p3: [{ kind: 'anonymous_id', value: 'only' }] });
    for (const p of ['p3', 'gone']) {
      await expect(identifyVisitor({ token: identifyToken(p, SECRET, NOW), anonymousId: 'b' }, d)).rejects.toMatchObject({ code: 'not_found', field: 'token' });
    }
    expect(ingested).toEqual([]);
  });

  it('refuses expired, foreign and malformed tokens, and bad anonymous ids', async () => {
    const { d, ingested } = deps({ p1: [{ kind: 'user_id', value: 'u1' }] });
    const cases: [unknown, string, string][] = [
      [{ token: identifyToken('p1', SECRET, NOW - IDENTIFY_TTL_MS - 1), anonymousId: 'b' }, 'validation_failed', 'token'],
      [{ token: identifyToken('p1', 'another-secret-0123456789abcdef', NOW), anonymousId: 'b' }, 'validation_failed', 'token'],
      [{ token: 'x'.repeat(5000), anonymousId: 'b' }, 'validation_failed', 'token'],
      [{ token: 42, anonymousId: 'b' }, 'validation_failed', 'token'],
      [{ anonymousId: 'b' }, 'missing_field', 'token'],
      [{ token: identifyToken('p1', SECRET, NOW) }, 'missing_field', 'anonymousId'],
      [{ token: identifyToken('p1', SECRET, NOW), anonymousId: 'a'.repeat(257) }, 'validation_failed', 'anonymousId'],
      [{ token: identifyToken('p1', SECRET, NOW), anonymousId: 'nul\u0000' }, 'validation_failed', 'anonymousId'],
    ];
    for (const [body, code, field] of cases) {
      await expect(identifyVisitor(body, d), JSON.stringify(body).slice(0, 80)).rejects.toMatchObject({ code, field });
    }
    await expect(identifyVisitor(null, d)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(ingested).toEqual([]);
  });
});
