import { rngFor, type Rng } from '../core/prng.ts';

/**
 * The demo store's catalogue: ~160 fashion products in eight categories, priced per category in one
 * currency. About a quarter are on sale (a lower `salePrice`), which bargain hunters seek out; a few
 * are out of stock. `popularity` is a Zipf-like weight so that some products are bestsellers, as in
 * real shops, which gives recommendation models something to find.
 */
export const CURRENCY = 'EUR';
export const SHOP_URL = 'https://shop.example.com';

export type Audience = 'women' | 'men' | 'unisex';

export interface DemoProduct {
  id: string;
  sku: string;
  name: string;
  category: string;
  brand: string;
  audience: Audience;
  color: string;
  sizes: string[];
  price: number;
  salePrice: number | undefined;
  currency: string;
  url: string;
  imageUrl: string;
  inStock: boolean;
  popularity: number;
}

interface CategorySpec {
  name: string;
  code: string;
  count: number;
  price: [number, number];
  /** Share of products for women, men, and both. */
  audience: [number, number, number];
  nouns: string[];
  styles: string[];
  sizes: string[];
}

const CLOTHES = ['XS', 'S', 'M', 'L', 'XL'];

export const CATEGORIES: readonly CategorySpec[] = [
  { name: 'dresses', code: 'DR', count: 24, price: [39, 149], audience: [1, 0, 0], sizes: CLOTHES,
    nouns: ['Wrap Dress', 'Midi Dress', 'Slip Dress', 'Shirt Dress', 'Maxi Dress', 'Knit Dress', 'Tea Dress'], styles: ['Linen', 'Satin', 'Floral', 'Pleated', 'Jersey', 'Poplin', 'Tiered', 'Belted'] },
  { name: 'tops', code: 'TP', count: 26, price: [15, 59], audience: [0.6, 0.3, 0.1], sizes: CLOTHES,
    nouns: ['T-Shirt', 'Blouse', 'Shirt', 'Tank Top', 'Polo', 'Camisole', 'Henley'], styles: ['Organic Cotton', 'Striped', 'Oversized', 'Relaxed', 'Fitted', 'Linen', 'Silk-Blend'] },
  { name: 'jeans', code: 'JN', count: 20, price: [49, 119], audience: [0.55, 0.4, 0.05], sizes: ['24', '26', '28', '30', '32', '34', '36'],
    nouns: ['Straight Jeans', 'Slim Jeans', 'Wide-Leg Jeans', 'Mom Jeans', 'Bootcut Jeans', 'Tapered Jeans'], styles: ['High-Rise', 'Mid-Rise', 'Washed', 'Raw Denim', 'Stretch', 'Vintage'] },
  { name: 'shoes', code: 'SH', count: 22, price: [45, 179], audience: [0.55, 0.35, 0.1], sizes: ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45'],
    nouns: ['Sneakers', 'Loafers', 'Ankle Boots', 'Sandals', 'Ballet Flats', 'Chelsea Boots', 'Mules'], styles: ['Leather', 'Suede', 'Canvas', 'Chunky', 'Minimal', 'Platform'] },
  { name: 'accessories', code: 'AC', count: 20, price: [9, 79], audience: [0.5, 0.2, 0.3], sizes: ['one size'],
    nouns: ['Tote Bag', 'Belt', 'Scarf', 'Beanie', 'Crossbody Bag', 'Sunglasses', 'Cap', 'Earrings'], styles: ['Leather', 'Woven', 'Recycled', 'Classic', 'Statement', 'Silk'] },
  { name: 'outerwear', code: 'OW', count: 16, price: [79, 299], audience: [0.55, 0.35, 0.1], sizes: CLOTHES,
    nouns: ['Trench Coat', 'Puffer Jacket', 'Wool Coat', 'Denim Jacket', 'Parka', 'Blazer', 'Rain Jacket'], styles: ['Double-Breasted', 'Quilted', 'Longline', 'Cropped', 'Water-Repellent', 'Tailored'] },
  { name: 'knitwear', code: 'KN', count: 18, price: [35, 129], audience: [0.6, 0.3, 0.1], sizes: CLOTHES,
    nouns: ['Jumper', 'Cardigan', 'Roll-Neck', 'Knitted Vest', 'Crew-Neck Sweater'], styles: ['Merino', 'Cashmere-Blend', 'Cable-Knit', 'Chunky', 'Fine-Knit', 'Alpaca-Blend'] },
  { name: 'activewear', code: 'AW', count: 18, price: [19, 89], audience: [0.55, 0.35, 0.1], sizes: CLOTHES,
    nouns: ['Leggings', 'Sports Bra', 'Running Shorts', 'Training Top', 'Track Jacket', 'Yoga Pants'], styles: ['Seamless', 'High-Waist', 'Breathable', 'Sculpt', 'Performance', 'Thermal'] },
];

const COLORS = ['Black', 'White', 'Navy', 'Ecru', 'Sage', 'Camel', 'Burgundy', 'Stone', 'Olive', 'Dusty Pink', 'Cobalt', 'Charcoal'];
const BRANDS = ['Nordlys', 'Atelier Vale', 'Rue Sable', 'Kinfolk & Co', 'Maison Loup', 'Tailor Basics', 'Bergamo', 'Field Studio'];

/** Prices end in .95 or .99, as shop prices do. */
function shopPrice(rng: Rng, raw: number): number {
  const whole = Math.max(4, Math.round(raw / 5) * 5 - 1);
  return cents(whole + (rng.chance(0.5) ? 0.95 : 0.99));
}

/** 20–50 % off, and always below the full price (rounding could otherwise undo a small discount). */
function salePrice(rng: Rng, price: number): number {
  const sale = shopPrice(rng, price * rng.float(0.5, 0.8));
  return sale < price ? sale : Math.floor(price * 0.7) + 0.99;
}

export function demoCatalog(seed: number): DemoProduct[] {
  const rng = rngFor(seed, 'catalog');
  const products: DemoProduct[] = [];
  for (const cat of CATEGORIES) {
    const names = new Set<string>();
    for (let i = 0; i < cat.count; i++) {
      const audience = (['women', 'men', 'unisex'] as const)[rng.weighted(cat.audience)]!;
      let name: string;
      do name = `${rng.pick(cat.styles)} ${rng.pick(cat.nouns)}`; while (names.has(`${audience}:${name}`) && names.size < cat.styles.length * cat.nouns.length);
      names.add(`${audience}:${name}`);
      const color = rng.pick(COLORS);
      const [lo, hi] = cat.price;
      // Log-uniform: cheap items are more common than expensive ones within a category.
      const price = shopPrice(rng, Math.exp(rng.float(Math.log(lo), Math.log(hi))));
      const onSale = rng.chance(0.25);
      const id = `${cat.code.toLowerCase()}-${String(i + 1).padStart(3, '0')}`;
      const slug = `${name}-${color}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      products.push({
        id,
        sku: `${cat.code}-${String(1000 + i)}-${color.slice(0, 3).toUpperCase()}`,
        name: audience === 'women' || cat.name === 'dresses' ? name : audience === 'men' ? `Men's ${name}` : name,
        category: cat.name,
        brand: rng.pick(BRANDS),
        audience,
        color,
        sizes: cat.sizes,
        price,
        salePrice: onSale ? salePrice(rng, price) : undefined,
        currency: CURRENCY,
        url: `${SHOP_URL}/products/${id}-${slug}`,
        imageUrl: `${SHOP_URL}/images/products/${id}.jpg`,
        inStock: !rng.chance(0.08),
        // Zipf-like: a few bestsellers per category, a long tail.
        popularity: 1 / (rng.int(1, cat.count) ** 0.9),
      });
    }
  }
  return products;
}

/** Rounds money to cents, so that sums print as shop amounts (49.95, not 49.949999…). */
export const cents = (x: number): number => Math.round(x * 100) / 100;

/** The price a customer pays today, before any coupon. */
export const unitPrice = (p: DemoProduct): number => p.salePrice ?? p.price;
