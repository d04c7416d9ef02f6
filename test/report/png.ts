/** A minimal PNG decoder (8-bit RGB/RGBA, non-interlaced), enough to inspect a screenshot's pixels. */
import { inflateSync } from 'node:zlib';

/** A decoded image: width, height and RGBA bytes. */
export interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Decodes a PNG as Chromium writes it (colour type 2 or 6, bit depth 8, no interlace). */
export function decodePng(png: Buffer): Image {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('decodePng: not a PNG file');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('decodePng: only 8-bit non-interlaced images');
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (channels === 0) throw new Error(`decodePng: colour type ${colorType} not supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let k = 0; k < width * height; k++) {
    rgba[k * 4] = pixels[k * channels];
    rgba[k * 4 + 1] = pixels[k * channels + 1];
    rgba[k * 4 + 2] = pixels[k * channels + 2];
    rgba[k * 4 + 3] = channels === 4 ? pixels[k * channels + 3] : 255;
  }
  return { width, height, rgba };
}

/** How many pixels are within `tolerance` of the colour [r, g, b]. */
export function countColor(img: Image, [r, g, b]: [number, number, number], tolerance = 6): number {
  let n = 0;
  for (let k = 0; k < img.width * img.height; k++) {
    if (
      Math.abs(img.rgba[k * 4] - r) <= tolerance &&
      Math.abs(img.rgba[k * 4 + 1] - g) <= tolerance &&
      Math.abs(img.rgba[k * 4 + 2] - b) <= tolerance
    )
      n++;
  }
  return n;
}
