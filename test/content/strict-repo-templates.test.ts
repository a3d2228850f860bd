import { describe, expect, it } from 'vitest';
import { strictCheckFields } from '../../src/core/content/liquid/strict-check.ts';
import { CART_OFFER, CART_REMINDER } from '../../src/demo/demo-campaigns.ts';
import { BLOCKS, TEMPLATE } from '../../src/demo/demo-templates.ts';

/**
 * The strict template check must refuse no template Tailor itself ships: the demo's templates and
 * blocks (also the render benchmark's fixture) pass it as they are.
 */
describe('strict check over the templates in the repository', () => {
  const partials = Object.fromEntries([...BLOCKS.values()].map((b) => [b.name, b.body]));

  it.each([['demo weekly picks', TEMPLATE], ['cart reminder', CART_REMINDER], ['cart offer', CART_OFFER]])('%s passes', (_name, t) => {
    expect(strictCheckFields({ subject: t.subject, preheader: t.preheader, body: t.body }, partials)).toEqual([]);
  });

  it.each([...BLOCKS.values()].map((b) => [b.name, b.body]))('block %s passes', (_name, body) => {
    expect(strictCheckFields({ body }, partials)).toEqual([]);
  });
});
