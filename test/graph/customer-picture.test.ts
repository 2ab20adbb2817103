// The picture of mappings/customer.map: its DOT and Mermaid text kept as goldens, its SVG
// rendered to PNG and compared with a stored golden PNG within a pixel tolerance, and the SVG
// committed for README (docs/images/customer-map.svg) checked to be the current one.
//
// Refresh the goldens after an intended change of the picture, then review them like code:
//   MAPC_UPDATE_GOLDEN=1 npx mocha --no-config -n import=tsx test/graph/customer-picture.test.ts
//   (or npm run test:update, which also rewrites test/golden/)
//   npm run graph:readme        # rewrites docs/images/customer-map.svg
//
// The PNG is drawn by resvg at a fixed width of 800 px without any font: text is left out, so
// the comparison does not depend on the fonts a machine has (the words are checked exactly by
// the DOT and Mermaid goldens and the README SVG check). What the PNG checks is the layout:
// boxes, their sizes and colours, arrows, clusters, the legend. A pixel differs when one of its
// RGBA channels is more than CHANNEL_TOLERANCE apart (anti-aliasing noise); the pictures match
// when at most MAX_DIFFERENT_SHARE of the pixels differ and the sizes are equal.
import { Resvg } from '@resvg/resvg-js';
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MappingGraph } from '../../compiler/graph/graph-model.js';
import { renderDot } from '../../compiler/graph/render-dot.js';
import { renderMermaid } from '../../compiler/graph/render-mermaid.js';
import { renderSvg } from '../../compiler/graph/render-svg.js';
import { comparePixels } from './compare-pixels.js';
import { customerGraph } from './customer-graph.js';
import { decodePng, type RawImage } from './decode-png.js';

const update = process.env.MAPC_UPDATE_GOLDEN === '1';
const GOLDEN = 'test/graph/golden';
const README_SVG = 'docs/images/customer-map.svg';
const PNG_WIDTH = 800;
const CHANNEL_TOLERANCE = 32;
const MAX_DIFFERENT_SHARE = 0.001;

function rendered(svg: string): { image: RawImage; png: Buffer } {
  const picture = new Resvg(svg, {
    fitTo: { mode: 'width', value: PNG_WIDTH },
    background: 'white',
    font: { loadSystemFonts: false },
  }).render();
  return {
    image: { width: picture.width, height: picture.height, rgba: new Uint8Array(picture.pixels) },
    png: picture.asPng(),
  };
}

function checkText(name: string, actual: string) {
  const path = `${GOLDEN}/${name}`;
  if (update) writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing: run with MAPC_UPDATE_GOLDEN=1`).to.equal(true);
  expect(actual, `${path} differs: run with MAPC_UPDATE_GOLDEN=1 if the change is intended`).to.equal(
    readFileSync(path, 'utf8'),
  );
}

describe('the picture of customer.map', function () {
  this.timeout(30000);
  let graph: MappingGraph;
  let svg: string;

  before(async () => {
    graph = customerGraph();
    svg = await renderSvg(graph);
  });

  it('keeps its DOT text as a golden', () => checkText('customer-map.dot', renderDot(graph)));

  it('keeps its Mermaid text as a golden', () => checkText('customer-map.mmd', renderMermaid(graph)));

  it('renders, as PNG, like the golden PNG within the pixel tolerance', () => {
    const path = `${GOLDEN}/customer-map.png`;
    const { image, png } = rendered(svg);
    if (update) writeFileSync(path, png);
    expect(existsSync(path), `${path} is missing: run with MAPC_UPDATE_GOLDEN=1`).to.equal(true);
    const result = comparePixels(image, decodePng(readFileSync(path)), CHANNEL_TOLERANCE, MAX_DIFFERENT_SHARE);
    expect(
      result.sameSize,
      `${path} has another size than the picture drawn now: run with MAPC_UPDATE_GOLDEN=1 if intended`,
    ).to.equal(true);
    expect(
      result.share,
      `${result.differentPixels} pixels differ from ${path}: run with MAPC_UPDATE_GOLDEN=1 if intended`,
    ).to.be.at.most(MAX_DIFFERENT_SHARE);
  });

  it('fails the PNG comparison when a table role changes colour', async () => {
    const changed: MappingGraph = {
      ...graph,
      tables: graph.tables.map((t) =>
        t.name === 'products' ? { ...t, roles: [{ kind: 'skipped' as const, text: 'held for lookups on (sku)' }] } : t,
      ),
    };
    const expected = decodePng(readFileSync(`${GOLDEN}/customer-map.png`));
    const result = comparePixels(
      rendered(await renderSvg(changed)).image,
      expected,
      CHANNEL_TOLERANCE,
      MAX_DIFFERENT_SHARE,
    );
    expect(result.sameSize).to.equal(true);
    expect(result.differentPixels).to.be.greaterThan(0);
    expect(result.matches, `only ${result.differentPixels} pixels differ`).to.equal(false);
  });

  it('decodes the PNG it compares to the very pixels resvg drew', () => {
    const { image, png } = rendered(svg);
    const decoded = decodePng(png);
    expect([decoded.width, decoded.height]).to.deep.equal([image.width, image.height]);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(image.rgba))).to.equal(true);
  });

  it('is the picture committed for README (npm run graph:readme refreshes it)', () => {
    expect(existsSync(README_SVG), `${README_SVG} is missing: run npm run graph:readme`).to.equal(true);
    expect(
      readFileSync(README_SVG, 'utf8') === svg,
      `${README_SVG} is stale: run npm run graph:readme and commit it`,
    ).to.equal(true);
  });
});
