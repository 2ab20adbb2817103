// Compares two raw RGBA images pixel by pixel: a pixel differs when one of its channels is
// further apart than `channelTolerance` (0-255), which absorbs anti-aliasing noise; the
// images match when they have the same size and at most `maxDifferentShare` of pixels differ.
import type { RawImage } from './decode-png.js';

export interface PixelComparison {
  sameSize: boolean;
  differentPixels: number;
  share: number;
  matches: boolean;
}

export function comparePixels(
  actual: RawImage,
  expected: RawImage,
  channelTolerance: number,
  maxDifferentShare: number,
): PixelComparison {
  if (actual.width !== expected.width || actual.height !== expected.height) {
    return { sameSize: false, differentPixels: Number.NaN, share: 1, matches: false };
  }
  let differentPixels = 0;
  for (let i = 0; i < actual.rgba.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(actual.rgba[i + c] - expected.rgba[i + c]) > channelTolerance) {
        differentPixels++;
        break;
      }
    }
  }
  const share = differentPixels / (actual.width * actual.height);
  return { sameSize: true, differentPixels, share, matches: share <= maxDifferentShare };
}
