// One entry for the three pictures: a format name in, the text to write out.
import type { MappingGraph } from './graph-model.js';
import { renderDot } from './render-dot.js';
import { renderMermaid } from './render-mermaid.js';
import { renderSvg } from './render-svg.js';

export const GRAPH_FORMATS = ['svg', 'mermaid', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The format a file name asks for by its extension, or null when it names none of them. */
export function graphFormatOfPath(path: string): GraphFormat | null {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'svg') return 'svg';
  if (ext === 'mmd' || ext === 'mermaid') return 'mermaid';
  if (ext === 'dot' || ext === 'gv') return 'dot';
  return null;
}

export async function renderGraph(graph: MappingGraph, format: GraphFormat): Promise<string> {
  if (format === 'svg') return renderSvg(graph);
  return format === 'mermaid' ? renderMermaid(graph) : renderDot(graph);
}
