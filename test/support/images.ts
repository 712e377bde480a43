// Synthetic product photos for image tests and the images benchmark: real encoded PNG/JPEG/WebP made with sharp.
import sharp from 'sharp';

/** A "product shot": studio-white background, a shaded disc, a bar and a floor shadow, placed by the seed; RGB. */
function photoPixels(seed: number, w: number, h: number): Buffer {
  const px = Buffer.alloc(w * h * 3, 255);
  const cx = w * (0.3 + ((seed * 37) % 40) / 100);
  const cy = h * (0.35 + ((seed * 53) % 30) / 100);
  const r = Math.min(w, h) * (0.2 + ((seed * 17) % 15) / 100);
  const barY = Math.floor(h * (0.1 + ((seed * 29) % 20) / 100));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const d = Math.hypot(x - cx, y - cy);
      if (d < r) {
        const shade = 1 - d / r;
        px[i] = 40 + shade * 180;
        px[i + 1] = 60 + ((seed * 11) % 120) * shade;
        px[i + 2] = 200 - shade * 120;
      } else if (y > barY && y < barY + h * 0.08 && x > w * 0.55) {
        px[i] = px[i + 1] = px[i + 2] = 30;
      } else if (y > h * 0.8) {
        // A soft floor shadow under the product; the rest stays studio white.
        px[i] = px[i + 1] = px[i + 2] = 235 - Math.floor(((y - h * 0.8) / (h * 0.2)) * 60);
      }
    }
  }
  return px;
}

/** A product photo encoded as the given format. */
export function photo(seed: number, format: 'png' | 'jpeg' | 'webp' = 'png', w = 400, h = 300): Promise<Buffer> {
  return sharp(photoPixels(seed, w, h), { raw: { width: w, height: h, channels: 3 } })
    .toFormat(format, format === 'jpeg' ? { quality: 85 } : {})
    .toBuffer();
}

/** The same photo as a supplier would re-publish it: smaller, a little brighter, recompressed as JPEG. */
export async function nearCopy(original: Buffer): Promise<Buffer> {
  const meta = await sharp(original).metadata();
  return sharp(original)
    .resize(Math.round(meta.width! * 0.8))
    .modulate({ brightness: 1.04 })
    .jpeg({ quality: 60 })
    .toBuffer();
}
