// The picture's model of one compiled mapping: source tables and relationships (schema and
// plan roles) beside each item's shape (plan items). Plain data, drawn by the renderers.
import type { Plan } from '../../runtime/plan/types.js';
import type { Schema } from '../schema/schema.js';
import type { MappingGraph } from './graph-model.js';
import { itemTree } from './item-tree.js';
import { sourceTables } from './source-tables.js';

export function buildMappingGraph(schema: Schema, plan: Plan): MappingGraph {
  return { mapping: plan.mapping, ...sourceTables(schema, plan), items: plan.items.map(itemTree) };
}
