// The picture as SVG: the DOT text laid out and drawn by Graphviz compiled to WebAssembly
// (@viz-js/viz), in this process; no system binary. Same DOT in, same SVG out.
import { instance } from '@viz-js/viz';
import type { MappingGraph } from './graph-model.js';
import { renderDot } from './render-dot.js';

export async function renderSvg(graph: MappingGraph): Promise<string> {
  const viz = await instance();
  return viz.renderString(renderDot(graph), { format: 'svg', engine: 'dot' });
}
