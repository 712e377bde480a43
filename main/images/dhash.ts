import sharp, { type Sharp } from 'sharp';

/**
 * The 64-bit difference hash (dHash) of an image, as 16 hex digits: greyscale 9×8, one bit per pair of horizontal
 * neighbours (left brighter than right). Re-encoding, resizing and small edits move only a few bits.
 */
export async function dHash(input: Buffer | Sharp): Promise<string> {
  const pipeline = Buffer.isBuffer(input) ? sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }) : input;
  const px = await pipeline
    .clone()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      bits = (bits << 1n) | (px[y * 9 + x]! > px[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}

/** How many of the 64 bits differ between two hashes. */
export function hamming(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** Pixel budget for one decoded image (a decompression bomb is refused before it is decoded). */
export const MAX_INPUT_PIXELS = 60_000_000;
