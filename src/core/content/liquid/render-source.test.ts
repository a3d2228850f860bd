import { describe, expect, it } from 'vitest';
import { renderLiquidSource } from './render-source.ts';

describe('renderLiquidSource', () => {
  it('renders in the text environment: no HTML escaping (Shopify Liquid does not escape outputs)', () => {
    expect(renderLiquidSource('{{ a }}!', { a: '<b>' })).toEqual({ ok: true, output: '<b>!' });
  });

  it('renders partials from the given map', () => {
    expect(renderLiquidSource("{% render 'p', x: 2 %}", {}, { p: '[{{ x }}]' })).toEqual({ ok: true, output: '[2]' });
  });

  it('refuses a parse error at save, before any render', () => {
    const r = renderLiquidSource('{% if a %}x');
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.stage).toBe('save');
  });

  it('reports a render-time failure as such', () => {
    // A bounded loop over more than the per-loop maximum fails when it runs, not when it is saved.
    const r = renderLiquidSource('{% for i in (1..100000000) %}{% endfor %}');
    expect(r.ok === false && r.stage).toBe('render');
  });
});
