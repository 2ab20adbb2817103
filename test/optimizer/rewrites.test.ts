// Each planner rewrite on its own: the fixture is compiled without optimizing, one rewrite is
// applied, and what it must (and must not) change is checked.
import { expect } from 'chai';
import { compile } from '../../compiler/compile.js';
import { optimize } from '../../compiler/plan/optimize.js';
import { orderEntries } from '../../compiler/plan/order-entries.js';
import { projectColumns } from '../../compiler/plan/project-columns.js';
import { pushDownFilters } from '../../compiler/plan/push-down-filters.js';
import type { Plan, PlanCollection } from '../../runtime/plan/types.js';
import { checkPlan } from '../../runtime/plan/validate-plan.js';

function logicalPlan(file = 'test/optimizer/fixtures/orders.map'): Plan {
  const { plan, diagnostics } = compile(file, { optimize: false });
  if (!plan) throw new Error(JSON.stringify(diagnostics));
  return plan;
}

const table = (plan: Plan, name: string) => plan.tables.find((t) => t.name === name)!;
const collection = (plan: Plan, name: string) =>
  plan.items[0].shape.fields.find((f) => f.name === name)!.value as PlanCollection;

describe('planner rewrites', () => {
  it('the logical plan reads every column and skips only unused tables', () => {
    const plan = logicalPlan();
    expect(table(plan, 'orders').columns.map((c) => c.name)).to.deep.equal([
      'id',
      'customer_id',
      'status',
      'placed_on',
      'comment',
    ]);
    expect(plan.entries.skipped.map((s) => s.table)).to.deep.equal(['unused']);
    expect(plan.tables.every((t) => t.filters.length === 0)).to.equal(true);
  });

  describe('push-down-filters', () => {
    it('moves a root filter that reads only the root row into the scan', () => {
      const before = logicalPlan();
      const after = pushDownFilters(before);
      expect(after.items[0].rootFilter).to.equal(null);
      expect(table(after, 'customers').filters).to.have.length(1);
      expect(before.items[0].rootFilter, 'the input plan is not changed').to.not.equal(null);
    });

    it('keeps a collection filter that reads an outer row where it is', () => {
      const after = pushDownFilters(logicalPlan());
      expect(collection(after, 'orders').filter).to.not.equal(null);
      expect(table(after, 'orders').filters).to.deep.equal([]);
    });

    it('pushes a nested collection filter that reads only its own row', () => {
      const after = pushDownFilters(logicalPlan());
      const lines = collection(after, 'orders').element.fields.find((f) => f.name === 'lines')!.value as PlanCollection;
      expect(lines.filter).to.equal(null);
      expect(table(after, 'lines').filters).to.have.length(1);
    });

    it('pushes nothing for a table that two collections read', () => {
      const after = pushDownFilters(logicalPlan('test/golden/cases/shared-table-no-pushdown.map'));
      expect(table(after, 'orders').filters).to.deep.equal([]);
      expect(table(after, 'customers').filters).to.have.length(1);
    });
  });

  describe('project-columns', () => {
    it('keeps keys, join columns and read columns, in declared order, and nothing else', () => {
      const after = projectColumns(logicalPlan());
      expect(table(after, 'customers').columns.map((c) => c.name)).to.deep.equal(['id', 'segment']);
      expect(table(after, 'orders').columns.map((c) => c.name)).to.deep.equal(['id', 'customer_id', 'status']);
      expect(table(after, 'lines').columns.map((c) => c.name)).to.deep.equal(['order_id', 'no', 'sku', 'qty']);
      expect(table(after, 'products').columns.map((c) => c.name)).to.deep.equal(['sku', 'title']);
      expect(table(after, 'products').declaredHeaders).to.deep.equal(['sku', 'title', 'color']);
    });
  });

  describe('order-entries', () => {
    it('reads lookups first, then grouped tables deepest first, then roots', () => {
      const after = orderEntries(logicalPlan());
      expect(after.tables.map((t) => t.name)).to.deep.equal(['products', 'lines', 'orders', 'customers']);
      expect(after.entries.read.map((e) => e.table)).to.deep.equal(['products', 'lines', 'orders', 'customers']);
    });
  });

  it('marks the tables declared `optional`, and only them, and every rewrite keeps the mark', () => {
    const optionalTables = (plan: Plan) => plan.tables.filter((t) => t.optional === true).map((t) => t.name);
    const logical = logicalPlan();
    expect(optionalTables(logical)).to.deep.equal(['products']);
    expect(table(logical, 'orders')).to.not.have.property('optional');
    for (const rewrite of [pushDownFilters, projectColumns, orderEntries, optimize]) {
      expect(optionalTables(rewrite(logical)), rewrite.name).to.deep.equal(['products']);
    }
  });

  it('every rewrite keeps the plan valid against the schema', () => {
    for (const rewrite of [pushDownFilters, projectColumns, orderEntries]) {
      expect(() => checkPlan(rewrite(logicalPlan()))).not.to.throw();
    }
  });
});
