import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/databases.ts';
import { jsonRequest, openApp, WRITE_AUTH } from '../helpers/tailor.ts';

interface Change { kind: string; field: string | null; oldValue: unknown; newValue: unknown; source: string; profileId: string; messageId: string | null }

// The change log on merges, read over HTTP: the `merge` entry, the traits the survivor took from
// the merged profile (trait_set with source `merge`), the identity_added entries of both profiles,
// and the whole history read through the merged-away id.
describe.each(dialects)('change log of a merge on $name', ({ url }) => {
  let h: Awaited<ReturnType<typeof openApp>>;
  let survivor: string;
  let loser: string;
  beforeAll(async () => {
    h = await openApp(await url());
    const send = async (body: unknown) => {
      const r = await jsonRequest(h.app, 'POST', '/v1/batch', body, WRITE_AUTH);
      expect(r.statusCode, r.body).toBe(200);
    };
    // The older profile (created first) survives.
    await send({ batch: [{ type: 'identify', messageId: 'm-anon', anonymousId: 'anon-1', traits: { plan: 'free', color: 'red' }, timestamp: '2026-01-01T00:00:00Z' }] });
    await send({ batch: [{ type: 'identify', messageId: 'm-user', userId: 'user-1', traits: { plan: 'pro', size: 'M' }, timestamp: '2026-01-02T00:00:00Z' }] });
    const a = (await jsonRequest(h.app, 'GET', '/v1/profiles/lookup?anonymousId=anon-1')).json().id as string;
    const b = (await jsonRequest(h.app, 'GET', '/v1/profiles/lookup?userId=user-1')).json().id as string;
    expect(a).not.toBe(b);
    await send({ batch: [{ type: 'track', messageId: 'm-link', userId: 'user-1', anonymousId: 'anon-1', event: 'Signed In', timestamp: '2026-01-03T00:00:00Z' }] });
    survivor = a;
    loser = b;
  });
  afterAll(async () => h?.close());

  it('logs the merge, the traits taken from the merged profile (source merge) and every identity, readable through the old id', async () => {
    const viaLoser = await jsonRequest(h.app, 'GET', `/v1/profiles/${loser}/history`);
    expect(viaLoser.statusCode, viaLoser.body).toBe(200);
    const hist = viaLoser.json() as { profileId: string; changes: Change[] };
    // Read through the merged-away id, the history is the survivor's.
    expect(hist.profileId).toBe(survivor);
    expect((await jsonRequest(h.app, 'GET', `/v1/profiles/${survivor}/history`)).json()).toEqual(hist);
    const pick = (c: Change) => [c.kind, c.field, c.oldValue, c.newValue, c.source];
    const changes = hist.changes;
    expect(changes.filter((c) => c.kind === 'merge').map(pick)).toEqual([['merge', null, loser, survivor, 'api']]);
    expect(changes.find((c) => c.kind === 'merge')!.messageId).toBe('m-link');
    // The survivor took `size` and the newer `plan` from the merged profile; `color` stayed.
    expect(changes.filter((c) => c.source === 'merge').map(pick).sort()).toEqual([
      ['trait_set', 'plan', 'free', 'pro', 'merge'],
      ['trait_set', 'size', null, 'M', 'merge'],
    ]);
    expect(changes.filter((c) => c.source === 'merge').every((c) => c.profileId === survivor && c.messageId === 'm-link')).toBe(true);
    // Both profiles' identities were logged when they were added, and the history keeps the loser's.
    expect(changes.filter((c) => c.kind === 'identity_added').map((c) => [c.field, c.newValue, c.profileId]).sort()).toEqual([
      ['anonymous_id', 'anon-1', survivor],
      ['user_id', 'user-1', loser],
    ]);
    // The profile document has both identities and the merged traits.
    const doc = (await jsonRequest(h.app, 'GET', `/v1/profiles/${loser}`)).json();
    expect(doc.id).toBe(survivor);
    expect(doc.traits).toMatchObject({ plan: 'pro', size: 'M', color: 'red' });
  });
});
