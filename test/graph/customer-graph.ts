// The compiled customer mapping and its picture's model, shared by the graph tests.
import { compile } from '../../compiler/compile.js';
import { buildMappingGraph } from '../../compiler/graph/build-graph.js';
import type { MappingGraph } from '../../compiler/graph/graph-model.js';
import type { Schema } from '../../compiler/schema/schema.js';
import type { Plan } from '../../runtime/plan/types.js';

export const CUSTOMER_MAP = 'mappings/customer.map';

export function compiled(path: string): { schema: Schema; plan: Plan } {
  const result = compile(path);
  if (!result.plan || !result.schema)
    throw new Error(`${path} did not compile: ${result.diagnostics.map((d) => d.code).join(', ')}`);
  return { schema: result.schema, plan: result.plan };
}

export function customerGraph(): MappingGraph {
  const { schema, plan } = compiled(CUSTOMER_MAP);
  return buildMappingGraph(schema, plan);
}
