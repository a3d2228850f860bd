import { describe, expect, it } from 'vitest';
import { verifyToken } from '../tracking/tokens.ts';
import { unsubscribeHeaders, unsubscribeUrl } from './unsubscribe-headers.ts';

const SECRET = 'unit-test-secret';

describe('unsubscribeUrl', () => {
  it('mints a signed unsubscribe token for the profile and campaign under /u/', () => {
    const url = unsubscribeUrl('https://mail.example.com/', SECRET, 'p-1', 'c-9');
    const m = /^https:\/\/mail\.example\.com\/u\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(url);
    expect(m, url).not.toBeNull();
    expect(verifyToken(m![1]!, SECRET)).toEqual({ p: 'p-1', k: 'unsubscribe', c: 'c-9' });
    expect(verifyToken(m![1]!, 'another-secret')).toBeNull();
  });

  it('leaves the campaign out when there is none', () => {
    const token = unsubscribeUrl('https://x.example', SECRET, 'p-2').split('/u/')[1]!;
    expect(verifyToken(token, SECRET)).toEqual({ p: 'p-2', k: 'unsubscribe' });
  });
});

describe('unsubscribeHeaders', () => {
  const url = 'https://mail.example.com/u/abc.def';

  it('gives the one-click URL and the RFC 8058 Post header', () => {
    expect(unsubscribeHeaders({ url })).toEqual({
      'List-Unsubscribe': '<https://mail.example.com/u/abc.def>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('adds a mailto after the URL only when an address is given', () => {
    expect(unsubscribeHeaders({ url, mailto: 'unsub@example.com' })['List-Unsubscribe'])
      .toBe('<https://mail.example.com/u/abc.def>, <mailto:unsub@example.com?subject=unsubscribe>');
    expect(unsubscribeHeaders({ url, mailto: '  ' })['List-Unsubscribe']).toBe('<https://mail.example.com/u/abc.def>');
  });

  it('refuses values that would break or split the header', () => {
    expect(() => unsubscribeHeaders({ url: 'https://x.example/u/a>b' })).toThrow();
    expect(() => unsubscribeHeaders({ url: 'https://x.example/u/a\r\nBcc: victim@example.com' })).toThrow();
    expect(() => unsubscribeHeaders({ url: 'javascript:alert(1)' })).toThrow();
    expect(() => unsubscribeHeaders({ url, mailto: 'a@b.example>, <https://evil.example' })).toThrow();
    expect(() => unsubscribeHeaders({ url, mailto: 'not-an-address' })).toThrow();
  });
});
