import { describe, expect, it } from 'vitest';
import { cleanSupplierName, supplierFromFileName } from '../../../main/suppliers/store.ts';

describe('supplierFromFileName', () => {
  it('takes the words before a date, a number or a word naming the kind of file', () => {
    expect(supplierFromFileName('Acme_Pricelist_2026-11.csv')).toBe('Acme');
    expect(supplierFromFileName('Global Traders price list Nov.csv')).toBe('Global Traders');
    expect(supplierFromFileName('wonka-2026-10-01.xlsx')).toBe('wonka');
    expect(supplierFromFileName('Initech Inventory.CSV')).toBe('Initech');
  });
  it('proposes nothing when no name is left', () => {
    expect(supplierFromFileName('pricelist_2026.csv')).toBeNull();
    expect(supplierFromFileName('2026-11.csv')).toBeNull();
    expect(supplierFromFileName('a.csv')).toBeNull();
  });
});

describe('cleanSupplierName', () => {
  it('folds spaces and refuses empty or overlong names in plain words', () => {
    expect(cleanSupplierName('  Acme \t Corp ')).toBe('Acme Corp');
    expect(() => cleanSupplierName('   ')).toThrow('A supplier name cannot be empty.');
    expect(() => cleanSupplierName('x'.repeat(101))).toThrow('A supplier name has at most 100 characters.');
  });
});
