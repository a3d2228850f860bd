import { CycleTag, Value, evalToken, toValue, type Context, type Token } from 'liquidjs';

/**
 * `cycle` with Ruby Liquid's keying (lib/liquid/tags/cycle.rb): a named cycle's position is kept
 * per *name value* alone, shared by every `cycle` with that name whatever its values (liquidjs
 * keys by name and values together); an unnamed cycle is keyed by its values' markup. The
 * position advances by one and wraps at this tag's number of values, and a position past this
 * tag's last value prints nothing. Parsing and output escaping are liquidjs'.
 */
const REGISTER = 'shopify-cycle';
const UNNAMED = Symbol('unnamed');

export class ShopifyCycleTag extends CycleTag {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override *render(ctx: Context): Generator<unknown, unknown, any> {
    const self = this as unknown as { group?: Token; candidates: Token[] };
    const key: unknown = self.group
      ? (yield evalToken(self.group, ctx)) ?? null
      : `${String(UNNAMED.description)}:${self.candidates.map((c) => c.getText()).join(',')}`;
    const positions = ctx.getRegister(REGISTER, new Map<unknown, number>()) as Map<unknown, number>;
    const at = positions.get(key) ?? 0;
    positions.set(key, at + 1 >= self.candidates.length ? 0 : at + 1);
    const token = self.candidates[at];
    if (!token) return '';
    const candidate = new Value(token as never, this.liquid);
    let val = yield toValue(yield candidate.value(ctx, false));
    const escape = this.liquid.options.outputEscape;
    if (escape && !candidate.filters[candidate.filters.length - 1]?.raw) {
      val = yield escape.call({ context: ctx, token: this.token, liquid: this.liquid } as never, val);
    }
    return val;
  }
}
