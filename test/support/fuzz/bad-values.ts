// Values an entry point must refuse in plain words: wrong types, oversized strings and arrays, huge and non-finite
// numbers, number-like strings, and objects carrying prototype-pollution keys.
import fc from 'fast-check';

/** Keys that reach Object.prototype's members when code indexes a plain object with them. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** An object with `key` as its own property, as JSON.parse and structured clone make it (a literal would not). */
export function withOwnKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const o = { ...base };
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

const NUMBER_LIKE = [
  ...['NaN', 'Infinity', '-Infinity', '1e999', '0x10', ' 1 ', '1_000'],
  ...['١٢', '', '-0', '+5', '1,5', 'null'],
];

/** One bad value of any kind. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 0.5, NaN, Infinity, -Infinity, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 63)),
  fc.constantFrom(...NUMBER_LIKE),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  // Oversized strings: past each field's bound (hundreds to thousands), and past the whole request's.
  fc.constantFrom(201, 501, 2_001, 4_097, 70_000).map((n) => 'x'.repeat(n)),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.constantFrom(1_001, 10_001, 100_001).map((n) => Array.from({ length: n }, (_, i) => i + 1)),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
  fc.constantFrom(...POLLUTION_KEYS).map((k) => withOwnKey({}, k, { polluted: true })),
  fc.bigInt(),
);

/** Any value at all, JSON or not: what a confused or hostile caller could send. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  badValue,
  fc.jsonValue({ maxDepth: 4 }),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withTypedArray: true }),
);
