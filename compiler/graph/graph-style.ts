// Colours and names of the picture, shared by the DOT and Mermaid renderers and their legends:
// one fill per table role and one per kind of shape node.
import type { RoleKind, ShapeKind } from './graph-model.js';

export interface Swatch {
  label: string;
  fill: string;
  stroke: string;
  /** Drawn dashed (tables never read). */
  dashed?: boolean;
}

export const ROLE_STYLE: Record<RoleKind, Swatch> = {
  streamed: { label: 'streamed (builds items)', fill: '#cfe2ff', stroke: '#2f5f9e' },
  grouped: { label: 'grouped under a parent', fill: '#d3efd3', stroke: '#2e7d32' },
  lookup: { label: 'held for lookups', fill: '#ffe3b0', stroke: '#b26a00' },
  skipped: { label: 'skipped (never read)', fill: '#eeeeee', stroke: '#8a8a8a', dashed: true },
};

export const SHAPE_STYLE: Record<ShapeKind, Swatch> = {
  item: { label: 'item', fill: '#ffffff', stroke: '#2f5f9e' },
  object: { label: 'object', fill: '#ffffff', stroke: '#6b6b6b' },
  collection: { label: 'collection', fill: '#e6def5', stroke: '#5e35b1' },
  lookup: { label: 'lookup', fill: '#fff4d6', stroke: '#b26a00' },
  aggregate: { label: 'aggregate', fill: '#d8f0f3', stroke: '#00838f' },
  keep: { label: 'keep / require', fill: '#fde0e0', stroke: '#c62828' },
  require: { label: 'keep / require', fill: '#fde0e0', stroke: '#c62828' },
};

export const ROLE_ORDER: RoleKind[] = ['streamed', 'grouped', 'lookup', 'skipped'];
/** Legend entries for shape nodes (keep and require share one). */
export const SHAPE_LEGEND: ShapeKind[] = ['item', 'collection', 'lookup', 'aggregate', 'keep'];

/** The role that colours a table: the first of its roles in ROLE_ORDER. */
export function mainRole(roles: Array<{ kind: RoleKind }>): RoleKind | null {
  return ROLE_ORDER.find((kind) => roles.some((r) => r.kind === kind)) ?? null;
}
