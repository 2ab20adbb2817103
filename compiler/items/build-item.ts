// Checks one item declaration and builds its plan: the assembly tree of objects and
// collections, with every expression typed. Key checks live in item-keys.ts.
import type { Attribute, Each, Expr, ItemDecl, Keep, Member, Span } from '../../grammar/ast.js';
import type { PlanCollection, PlanExpr, PlanField, PlanItem, PlanObject } from '../../runtime/plan/types.js';
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { suggestion } from '../diagnostics/did-you-mean.js';
import type { Schema } from '../schema/schema.js';
import { ExprChecker } from './check-expr.js';
import { resolvePath } from './resolve-path.js';
import type { AttrInfo, ObjectShape, RowBinding, Scope, TypedExpr } from './typed.js';

export interface BuiltItem {
  plan: PlanItem;
  /** Top-level attributes with their checked expressions, for the key checks. */
  topLevel: Map<string, AttrEntry>;
  decl: ItemDecl;
}

export interface AttrEntry {
  info: AttrInfo;
  expr: TypedExpr | null;
  hasWhen: boolean;
  span: Span;
}

interface ObjectResult {
  plan: PlanObject;
  shape: ObjectShape;
  exprs: Map<string, AttrEntry>;
}

export class ItemBuilder {
  private readonly exprs: ExprChecker;

  constructor(
    private readonly schema: Schema,
    private readonly sink: DiagnosticSink,
  ) {
    this.exprs = new ExprChecker(schema, sink);
  }

  build(decl: ItemDecl): BuiltItem | null {
    const table = this.schema.tables.get(decl.root.table.text);
    if (!table) {
      this.sink.report('MAP0211', decl.root.table.span, {
        item: decl.name.text,
        table: decl.root.table.text,
        ...suggestion(decl.root.table.text, this.schema.tables.keys()),
      });
      return null;
    }
    if (table.key.length === 0)
      this.sink.report('MAP0108', decl.root.table.span, {
        table: table.name,
        use: `item \`${decl.name.text}\` is built from its rows`,
      });
    const alias = decl.root.alias.text;
    const root: RowBinding = { alias, table, ref: { kind: 'alias', name: alias } };
    const rowScope: Scope = { rows: [root], attrs: null, later: new Set(), attributesOnly: null };
    const rootFilter = decl.root.filter ? this.exprs.condition(decl.root.filter, rowScope) : null;

    const object = this.object(decl.members, [root], true);
    // Rows stay in scope only so that reading one is reported as such (MAP0313), not as unknown.
    const itemScope: Scope = {
      rows: [root],
      attrs: object.shape,
      later: new Set(),
      attributesOnly: 'a `require` condition',
    };
    const requires = decl.members
      .filter((m) => m.kind === 'Require')
      .map((m) => this.exprs.condition(m.condition, itemScope).plan);
    const ttlMember = decl.members.find((m) => m.kind === 'Ttl');
    let ttl: PlanItem['ttl'] = null;
    if (ttlMember) {
      const value = this.exprs.check(ttlMember.value, { ...itemScope, attributesOnly: 'the `ttl`' });
      const target = this.schema.targets.get(decl.target.text);
      if (!value.poison && value.plan.type !== 'int' && value.plan.type !== 'null') {
        this.sink.report('MAP0208', ttlMember.value.span, {
          detail: `the TTL is ${value.plan.type}; DynamoDB expects whole seconds since the epoch (int)`,
          hint:
            value.plan.type === 'date' || value.plan.type === 'timestamp'
              ? 'wrap it: epoch_seconds(…)'
              : 'compute it with epoch_seconds(a date or timestamp)',
        });
      } else if (target && !target.ttlAttribute) {
        this.sink.report('MAP0208', ttlMember.span, {
          detail: `target \`${target.name}\` declares no TTL attribute`,
          hint: `add \`ttl expires_at\` to \`target ${target.name} { … }\``,
        });
      } else if (target?.ttlAttribute) {
        ttl = { attribute: target.ttlAttribute, value: value.plan };
      }
    }
    return {
      plan: {
        name: decl.name.text,
        target: decl.target.text,
        rootTable: table.name,
        rootAlias: alias,
        rootFilter: rootFilter?.plan ?? null,
        require: combineAnd(requires),
        shape: object.plan,
        ttl,
      },
      topLevel: object.exprs,
      decl,
    };
  }

  private object(members: Member[], rows: RowBinding[], topLevel: boolean): ObjectResult {
    const shape: ObjectShape = { attrs: new Map() };
    const fields: PlanField[] = [];
    const exprs: ObjectResult['exprs'] = new Map();
    const pending = new Set(members.filter((m): m is Attribute => m.kind === 'Attribute').map((m) => m.name.text));
    const collections = new Map<string, PlanCollection>();

    for (const member of members) {
      if (member.kind === 'Require' && !topLevel)
        this.sink.report('MAP0210', member.span, {
          detail: '`require` belongs at the top level of an item; inside a collection use `where`',
        });
      if (member.kind === 'Ttl' && !topLevel)
        this.sink.report('MAP0210', member.span, { detail: '`ttl` belongs at the top level of an item' });
      if (member.kind !== 'Attribute') continue;
      const name = member.name.text;
      pending.delete(name);
      if (shape.attrs.has(name)) {
        this.sink.report('MAP0209', member.name.span, { name });
        continue;
      }
      const scope: Scope = { rows, attrs: shape, later: pending, attributesOnly: null };
      const when = member.when ? this.exprs.condition(member.when, scope) : null;
      let info: AttrInfo;
      let value: PlanField['value'];
      let typed: TypedExpr | null = null;
      if (member.value.kind === 'Each') {
        const built = this.collection(member.value, rows, name);
        value = built.plan;
        info = { name, type: 'list', nullable: false, shape: built.shape, copyOf: null, span: member.name.span };
        if (built.plan) collections.set(name, built.plan);
      } else if (member.value.kind === 'Object') {
        const inner = this.object(member.value.members, rows, false);
        value = inner.plan;
        info = { name, type: 'object', nullable: false, shape: inner.shape, copyOf: null, span: member.name.span };
      } else {
        typed = this.exprs.check(member.value, scope);
        value = { kind: 'expr', expr: typed.plan };
        const copy =
          typed.plan.kind === 'column' && typed.plan.row.kind === 'alias'
            ? { alias: typed.plan.row.name, column: typed.plan.column }
            : null;
        info = {
          name,
          type: typed.plan.type,
          nullable: typed.nullable,
          shape: null,
          copyOf: copy,
          span: member.name.span,
        };
      }
      if (when) info = { ...info, nullable: true };
      shape.attrs.set(name, info);
      exprs.set(name, { info, expr: typed, hasWhen: when !== null, span: member.span });
      fields.push({ name, value, when: when?.plan ?? null });
    }

    for (const member of members) if (member.kind === 'Keep') this.keep(member, shape, collections, rows);
    return { plan: { kind: 'object', fields }, shape, exprs };
  }

  private keep(member: Keep, shape: ObjectShape, collections: Map<string, PlanCollection>, rows: RowBinding[]) {
    const name = member.collection.text;
    const collection = collections.get(name);
    const attr = shape.attrs.get(name);
    if (!attr) {
      this.sink.report('MAP0301', member.collection.span, {
        name,
        ...suggestion(name, collections.keys()),
        hint: '`keep` names a collection attribute of the same object',
      });
      return;
    }
    if (!collection || !attr.shape) {
      this.sink.report('MAP0304', member.collection.span, {
        path: name,
        what: `a ${attr.type}`,
        hint: '`keep` names a collection built with `each`',
      });
      return;
    }
    const elementRow = this.schema.tables.get(collection.table);
    const keepRows = elementRow
      ? [
          ...rows,
          { alias: collection.alias, table: elementRow, ref: { kind: 'alias' as const, name: collection.alias } },
        ]
      : rows;
    const condition = this.exprs.condition(member.condition, {
      rows: keepRows,
      attrs: attr.shape,
      later: new Set(),
      attributesOnly: 'a `keep` condition',
    });
    collection.retain = collection.retain
      ? { kind: 'binary', type: 'bool', op: 'and', left: collection.retain, right: condition.plan }
      : condition.plan;
  }

  private collection(
    each: Each,
    rows: RowBinding[],
    attributeName: string,
  ): { plan: PlanCollection; shape: ObjectShape } {
    const empty: ObjectShape = { attrs: new Map() };
    const scope: Scope = { rows, attrs: null, later: new Set(), attributesOnly: null };
    const source = resolvePath(each.source, scope, this.schema, this.sink);
    const shown = each.source.segments.map((s) => s.text).join('.');
    const placeholder = (): { plan: PlanCollection; shape: ObjectShape } => ({
      plan: {
        kind: 'collection',
        alias: each.alias.text,
        table: '',
        parent: { kind: 'alias', name: '' },
        childColumns: [],
        parentColumns: [],
        filter: null,
        element: { kind: 'object', fields: [] },
        retain: null,
        orderBy: [],
        limit: null,
        elementKey: { columns: [], attributes: [] },
      },
      shape: empty,
    });
    if (source.kind !== 'sourceCollection') {
      if (source.kind !== 'error') {
        const what =
          source.kind === 'row'
            ? `one row of \`${source.table.name}\` (a many-to-one lookup)`
            : source.kind === 'column'
              ? 'a column'
              : 'an attribute';
        this.sink.report('MAP0304', each.source.span, {
          path: shown,
          what,
          hint:
            source.kind === 'row'
              ? `read its columns directly: \`${shown}.column\``
              : 'iterate over a relationship such as `c.orders`',
        });
      }
      return placeholder();
    }
    if (rows.some((r) => r.alias === each.alias.text)) {
      this.sink.report('MAP0314', each.alias.span, { name: each.alias.text });
      return placeholder();
    }
    const child = this.schema.tables.get(source.relation.child)!;
    if (child.key.length === 0)
      this.sink.report('MAP0108', each.source.span, {
        table: child.name,
        use: `its rows are embedded as \`${attributeName}\` and merged by key`,
      });
    const binding: RowBinding = { alias: each.alias.text, table: child, ref: { kind: 'alias', name: each.alias.text } };
    const innerRows = [...rows, binding];
    const filter = each.filter
      ? this.exprs.condition(each.filter, { rows: innerRows, attrs: null, later: new Set(), attributesOnly: null })
      : null;
    const element = this.object(each.members, innerRows, false);

    const orderBy = each.orderBy.flatMap((term) => {
      const typed = this.exprs.check(term.expr, {
        rows: innerRows,
        attrs: element.shape,
        later: new Set(),
        attributesOnly: null,
      });
      if (typed.poison) return [];
      const attribute = attributeFor(typed.plan, element.shape, binding.alias);
      if (!attribute) {
        this.sink.report('MAP0311', term.expr.span, { term: termText(term.expr) });
        return [];
      }
      return [{ attribute, descending: term.descending }];
    });

    let limit: number | null = null;
    if (each.limit) {
      const n = Number(each.limit.value);
      if (!Number.isInteger(n) || n <= 0) this.sink.report('MAP0315', each.limit.span, { value: each.limit.value });
      else limit = n;
    } else {
      this.sink.report('MAP0401', each.span, { name: attributeName });
    }

    const keyColumns = child.key.filter((c) => !source.relation.childColumns.includes(c));
    const keyAttributes = keyColumns.map(
      (column) =>
        [...element.shape.attrs.values()].find((a) => a.copyOf?.alias === binding.alias && a.copyOf.column === column)
          ?.name ?? null,
    );
    const missing = keyColumns.filter((_, i) => keyAttributes[i] === null);
    if (missing.length > 0) {
      this.sink.report('MAP0403', each.span, {
        name: attributeName,
        missing: missing.map((m) => `\`${m}\``).join(', '),
        table: child.name,
        column: missing[0],
        alias: binding.alias,
      });
    }

    return {
      plan: {
        kind: 'collection',
        alias: binding.alias,
        table: child.name,
        parent: source.parentRef,
        childColumns: source.relation.childColumns,
        parentColumns: source.relation.parentColumns,
        filter: filter?.plan ?? null,
        element: element.plan,
        retain: null,
        orderBy,
        limit,
        elementKey: { columns: keyColumns, attributes: keyAttributes },
      },
      shape: element.shape,
    };
  }
}

function termText(expr: Expr): string {
  return expr.kind === 'Path' ? expr.segments.map((s) => s.text).join('.') : 'this expression';
}

/** The element attribute an order-by term stands for: itself, or an attribute copying the column. */
function attributeFor(expr: PlanExpr, shape: ObjectShape, alias: string): string | null {
  if (expr.kind === 'attr' && expr.path.length === 1) return expr.path[0];
  if (expr.kind === 'column' && expr.row.kind === 'alias' && expr.row.name === alias) {
    const column = expr.column;
    return [...shape.attrs.values()].find((a) => a.copyOf?.alias === alias && a.copyOf.column === column)?.name ?? null;
  }
  return null;
}

function combineAnd(conditions: PlanExpr[]): PlanExpr | null {
  if (conditions.length === 0) return null;
  return conditions.reduce((left, right) => ({ kind: 'binary', type: 'bool', op: 'and', left, right }));
}
