// Generates every icon from one design; the outputs are committed. Run: `npm run icons` (tsx build/scripts/icons.ts).
//   build/icon.svg (hand-drawn source) → build/icon.png 1024², build/icon.icns, build/icon.ico
//   the same glyph on its 16-unit pixel grid → resources/tray/
//     trayTemplate.png 16², trayTemplate@2x.png 32²: macOS template images, black + alpha only (macOS recolours them
//       for light and dark menu bars; Electron treats a name ending in "Template" as a template image)
//     tray.png 16², tray@2x.png 32²: Windows/Linux, the brand teal with a light outline so it reads on any bar
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import png2icons from 'png2icons';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BRAND = '#1C7F71';
const OUTLINE = '#F4FBF9';

/** The glyph on a 16×16 grid with whole-unit edges, so 16 px and 32 px renders land on pixel boundaries. */
function traySvg(size: number, fill: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 16 16" shape-rendering="crispEdges">
  <g fill="${fill}">
    <path d="M3 2H7V4H9V2H13V9H3Z"/>
    <rect x="1" y="10" width="14" height="2"/>
    <rect x="2" y="12" width="2" height="2"/>
    <rect x="7" y="12" width="2" height="2"/>
    <rect x="12" y="12" width="2" height="2"/>
  </g>
</svg>`;
}

async function rgba(svg: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function toPng(img: { data: Buffer; width: number; height: number }): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Template image: every pixel black, the shape carried by alpha alone (anything else makes macOS show it as is). */
async function template(size: number): Promise<Buffer> {
  const img = await rgba(traySvg(size, '#000000'));
  for (let i = 0; i < img.data.length; i += 4) img.data[i] = img.data[i + 1] = img.data[i + 2] = 0;
  return toPng(img);
}

function hex(c: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
}

/** Brand-coloured glyph over a light ring (the glyph's alpha dilated by 1 px per 16 px), composited "over". */
async function coloured(size: number): Promise<Buffer> {
  const img = await rgba(traySvg(size, BRAND));
  const { width, height, data } = img;
  const r = size / 16;
  const [or, og, ob] = hex(OUTLINE);
  const out = Buffer.alloc(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let ring = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (dx * dx + dy * dy > r * r || nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          ring = Math.max(ring, data[(ny * width + nx) * 4 + 3]!);
        }
      }
      const i = (y * width + x) * 4;
      const a = data[i + 3]! / 255;
      const b = ring / 255;
      const alpha = a + b * (1 - a);
      out[i + 3] = Math.round(alpha * 255);
      if (alpha === 0) continue;
      out[i] = Math.round((data[i]! * a + or * b * (1 - a)) / alpha);
      out[i + 1] = Math.round((data[i + 1]! * a + og * b * (1 - a)) / alpha);
      out[i + 2] = Math.round((data[i + 2]! * a + ob * b * (1 - a)) / alpha);
    }
  }
  return toPng({ data: out, width, height });
}

async function write(rel: string, data: Buffer): Promise<void> {
  const file = join(root, rel);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
  console.log(`${rel}  ${data.length} bytes`);
}

const svg = await readFile(join(root, 'build/icon.svg'));
const png = await sharp(svg, { density: 72 }).resize(1024, 1024).png({ compressionLevel: 9 }).toBuffer();
await write('build/icon.png', png);
const icns = png2icons.createICNS(png, png2icons.BICUBIC, 0);
if (!icns) throw new Error('png2icons could not make icon.icns');
await write('build/icon.icns', icns);
// forWinExe: PNG chunks for the large sizes, BMP below 64 px, which every Windows shell and rcedit can read.
const ico = png2icons.createICO(png, png2icons.BICUBIC, 0, false, true);
if (!ico) throw new Error('png2icons could not make icon.ico');
await write('build/icon.ico', ico);

await write('resources/tray/trayTemplate.png', await template(16));
await write('resources/tray/trayTemplate@2x.png', await template(32));
await write('resources/tray/tray.png', await coloured(16));
await write('resources/tray/tray@2x.png', await coloured(32));
