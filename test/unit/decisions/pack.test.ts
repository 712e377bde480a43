// Pack quantity: titles read both ways (packs found, sizes and contents not mistaken for packs), unit sources, matching.
import { describe, expect, it } from 'vitest';
import { amazonUnit, matchPack, parsePackFromTitle, supplierUnit } from '../../../main/decisions/pack.ts';

const PACKS: [string, number, string][] = [
  ['Coca-Cola Classic Soda, 12 fl oz, Pack of 12', 12, 'Pack of 12'],
  ['Bounty Paper Towels (Pack of 2)', 2, 'Pack of 2'],
  ['La Croix Sparkling Water Lime 8-Pack', 8, '8-Pack'],
  ['Red Bull Energy Drink 8.4 Fl Oz, 24 pk', 24, '24 pk'],
  ['Gatorade Thirst Quencher 6pk 20oz', 6, '6pk'],
  ['Pyrex Glass Mixing Bowl Set of 3', 3, 'Set of 3'],
  ['Poland Spring Water, Case of 24', 24, 'Case of 24'],
  ['Crayola Crayons 24 ct, Bundle of 2', 2, 'Bundle of 2'],
  ['Duracell AA Batteries 12-count', 12, '12-count'],
  ['Tennis Balls, 3 Count', 3, '3 Count'],
  ['Sharpie Permanent Markers, Fine Point, Black, 12 ct', 12, '12 ct'],
  ['Heinz Baked Beans 6 x 415 g', 6, '6 x 415 g'],
  ['San Pellegrino 6x250ml', 6, '6x250ml'],
  ['Nescafe Gold 4 x 100g jars', 4, '4 x 100g'],
  ['Monster Energy 12 × 16 oz', 12, '12 × 16 oz'],
  ['Dove Beauty Bar Soap 2 Pack (3.75 oz)', 2, '2 Pack'],
  ['Folgers Classic Roast 2 Pack (12 oz)', 2, '2 Pack'],
  ['Kleenex Hand Towels, Pack of Six', 6, 'Pack of Six'],
  ['Mason Jars 16 oz Regular Mouth - Case of 12', 12, 'Case of 12'],
  ['Scotch Tape Twin Pack', 2, 'Twin Pack'],
  ['Play-Doh Modeling Compound, Lot of 4', 4, 'Lot of 4'],
  ["Hanes Men's Crew Socks 10-Packs", 10, '10-Packs'],
  ['Energizer AAA 4pk', 4, '4pk'],
  ["Campbell's Chicken Noodle Soup 10.75 oz (Pack of 1)", 1, 'Pack of 1'],
  ['Rubbermaid Food Storage Containers, 6 pcs, Pack of 2', 2, 'Pack of 2'],
  ['Glad ForceFlex Kitchen Bags 13 gal (Pack of 3)', 3, 'Pack of 3'],
  ['Barilla Spaghetti 16 oz Box (Pack of 8)', 8, 'Pack of 8'],
  ['Clif Bar Variety Pack, 2.4 Ounce, 12 Count', 12, '12 Count'],
  ['Fiji Water 16.9 fl oz 24-ct', 24, '24-ct'],
  ['Pilot G2 Gel Pens 0.7 mm Double Pack', 2, 'Double Pack'],
];

const NOT_PACKS: string[] = [
  'Folgers Classic Roast Ground Coffee 12 oz',
  'Organic Basmati Rice 250 g',
  'Suction Cup Hooks 3.5 inch',
  'Neutrogena 2 in 1 Shampoo and Conditioner',
  'Open 24/7 Neon Sign',
  'Logitech Wireless Mouse M510 X200',
  'Nature Made Vitamin B12 1000 mcg',
  'Kirkland Signature Vitamin D3 1000 count',
  'Nature Made Fish Oil 1200 mg, 200 Softgels',
  'Melatonin 5mg Gummies, 30 Count',
  'Advil Ibuprofen Tablets 24 count',
  'Emergen-C Vitamin C Capsules 36 ct',
  'Bounty Select-A-Size Paper Towels, 12 Count of sheets',
  'Huggies Natural Care Baby Wipes, 48 Count',
  'Green Mountain Coffee K-Cup Pods, 24 Count',
  'Lipton Tea Bags 100 ct',
  'Sterilite 64 Quart Storage Box',
  'Samsung Galaxy S24 Case',
  'Ziploc Gallon Freezer Bags 30 Count',
  'Duracell 9V Battery',
  'HP 64 Ink Cartridge',
  'Lodge 10.25 Inch Cast Iron Skillet',
  'Sony WH-1000XM5 Headphones',
  'Bic Round Stic Pens 60 Count',
  'Puffs Facial Tissues, 4 Cubes, 56 Tissues per Box',
  'Tide Pods Laundry Detergent 42 Count',
  'Avery Address Labels, 30 ct',
  'Backpack for School, Large',
  'Pack Leader Dog Harness',
  '3M Command Strips 16 count',
  'Hydro Flask 32 oz Wide Mouth',
  'Casio Calculator fx-115ES Plus 2nd Edition',
  null as unknown as string,
];

describe('parsePackFromTitle', () => {
  it.each(PACKS)('%s → %i', (title, count, text) => {
    expect(parsePackFromTitle(title)).toEqual({ count, text });
  });
  it.each(NOT_PACKS)('%s → no pack', (title) => {
    expect(parsePackFromTitle(title)).toBeNull();
  });
  it('prefers an explicit "pack of" over a count of contents or sizes', () => {
    expect(parsePackFromTitle('Ziploc Sandwich Bags, 90 Count (Pack of 4)')?.count).toBe(4);
    expect(parsePackFromTitle('Pack of 12 oz cans')).toBeNull();
  });
  it('reads a count as a pack only up to 48', () => {
    expect(parsePackFromTitle('Golf Balls 48 count')?.count).toBe(48);
    expect(parsePackFromTitle('Golf Balls 49 count')).toBeNull();
  });
});

describe('supplierUnit and amazonUnit', () => {
  it('a pack column wins over the name; the name over the default', () => {
    expect(supplierUnit({ packSize: 6, name: 'Soda 12-Pack' })).toEqual({ count: 6, source: 'column' });
    expect(supplierUnit({ packSize: null, name: 'Soda 12-Pack' })).toEqual({ count: 12, source: 'title' });
    expect(supplierUnit({ packSize: 0, name: 'Soda' })).toEqual({ count: 1, source: 'default' });
    expect(supplierUnit({ packSize: 2.5, name: null })).toEqual({ count: 1, source: 'default' });
  });
  it('item_package_quantity, then number_of_items, then the title', () => {
    expect(amazonUnit({ packageQuantity: 4, numberOfItems: 8, title: 'Pack of 2' })).toEqual({
      count: 4,
      source: 'package_quantity',
    });
    expect(amazonUnit({ packageQuantity: null, numberOfItems: 8, title: 'Pack of 2' })).toEqual({
      count: 8,
      source: 'number_of_items',
    });
    expect(amazonUnit({ packageQuantity: null, numberOfItems: null, title: 'Pack of 2' })).toEqual({
      count: 2,
      source: 'title',
    });
    expect(amazonUnit({ packageQuantity: null, numberOfItems: null, title: 'Coffee 12 oz' })).toBeNull();
  });
});

describe('matchPack', () => {
  const col = (count: number) => ({ count, source: 'column' as const });
  const amz = (count: number) => ({ count, source: 'package_quantity' as const });
  it('equal units: multiplier 1, nothing to say', () => {
    expect(matchPack(col(6), amz(6))).toEqual({ multiplier: 1, reason: null });
  });
  it('Amazon = k × supplier: multiplier k with a note', () => {
    const m = matchPack(col(6), amz(12));
    expect(m.multiplier).toBe(2);
    expect(m.reason).toMatchObject({ code: 'pack_multiple', severity: 'info' });
    expect(m.reason!.text).toContain('cost × 2');
  });
  it('supplier = k × Amazon: a case split, multiplier 1/k', () => {
    const m = matchPack(col(24), amz(1));
    expect(m.multiplier).toBeCloseTo(1 / 24, 12);
    expect(m.reason).toMatchObject({ code: 'case_split', severity: 'info' });
    expect(m.reason!.text).toContain('24 Amazon units');
  });
  it('no whole ratio: pack_mismatch in plain words', () => {
    const m = matchPack(col(6), amz(4));
    expect(m.multiplier).toBeNull();
    expect(m.reason).toEqual({
      code: 'pack_mismatch',
      severity: 'check',
      text: "Amazon sells a 4-pack; the supplier's unit is 6: no whole number of supplier units makes one Amazon unit.",
    });
  });
  it('Amazon unit unknown: a supplier pack is a mismatch, a single is assumed with a note', () => {
    expect(matchPack({ count: 6, source: 'title' }, null)).toMatchObject({
      multiplier: null,
      reason: { code: 'pack_mismatch', severity: 'check' },
    });
    expect(matchPack({ count: 1, source: 'default' }, null)).toMatchObject({
      multiplier: 1,
      reason: { code: 'pack_assumed', severity: 'info' },
    });
  });
  it('refuses counts that are not whole numbers of at least 1', () => {
    expect(() => matchPack(col(0), amz(1))).toThrow(/supplier's pack count/);
    expect(() => matchPack(col(2), amz(1.5))).toThrow(/Amazon's pack count/);
  });
});
