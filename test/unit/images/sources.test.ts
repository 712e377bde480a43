import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_IMAGES_PER_PRODUCT, parseImageCell } from '../../../main/images/sources.ts';

const base = resolve('/data/supplier');

describe('parseImageCell', () => {
  it('splits the ways feeds list several images, drops repeats and blanks', () => {
    const refs = (cell: string) => parseImageCell(cell, base).map((s) => s.ref);
    expect(refs('https://a.example/1.jpg | https://a.example/2.jpg')).toEqual([
      'https://a.example/1.jpg',
      'https://a.example/2.jpg',
    ]);
    expect(refs('https://a.example/1.jpg, https://b.example/2.jpg,https://a.example/1.jpg')).toEqual([
      'https://a.example/1.jpg',
      'https://b.example/2.jpg',
    ]);
    expect(refs('https://a.example/1.jpg\nhttps://a.example/3.png;')).toEqual([
      'https://a.example/1.jpg',
      'https://a.example/3.png',
    ]);
    expect(parseImageCell('  ', base)).toEqual([]);
    expect(parseImageCell(null, base)).toEqual([]);
  });

  it('keeps a comma that belongs inside an address', () => {
    expect(parseImageCell('https://cdn.example/img/w_400,h_400/shoe.jpg', base).map((s) => s.ref)).toEqual([
      'https://cdn.example/img/w_400,h_400/shoe.jpg',
    ]);
    expect(parseImageCell('img/a,b.jpg, img/c.jpg', base).map((s) => s.ref)).toEqual([
      resolve(base, 'img/a,b.jpg'),
      resolve(base, 'img/c.jpg'),
    ]);
  });

  it('resolves local paths against the CSV’s folder, takes absolute ones and file: URLs as they are', () => {
    expect(parseImageCell('images/shot 1.png', base)).toEqual([
      { kind: 'file', ref: resolve(base, 'images/shot 1.png') },
    ]);
    expect(parseImageCell('/srv/pics/a.jpg', base)).toEqual([{ kind: 'file', ref: resolve('/srv/pics/a.jpg') }]);
    expect(parseImageCell('file:///srv/pics/b%20c.jpg', base)).toEqual([{ kind: 'file', ref: '/srv/pics/b c.jpg' }]);
  });

  it('says why an address cannot be used', () => {
    expect(parseImageCell('ftp://example.com/a.jpg', base)[0]).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('ftp:'),
    });
    expect(parseImageCell('images/a.jpg', null)[0]).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('relative path'),
    });
    expect(parseImageCell('http://exa mple.com/a.jpg', base)[0]).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('not a valid web address'),
    });
  });

  it('takes at most MAX_IMAGES_PER_PRODUCT per product', () => {
    const cell = Array.from({ length: 20 }, (_, i) => `https://a.example/${i}.jpg`).join('|');
    expect(parseImageCell(cell, base)).toHaveLength(MAX_IMAGES_PER_PRODUCT);
  });
});
