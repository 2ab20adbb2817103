// Walks the syntax trees of a mapping and its imports with the compiler's schema, and records
// every name that stands for a symbol (occurrences.ts) and the rows and attributes in scope in
// each part of the items (for completion). Paths are resolved by the compiler's own
// resolvePath and expressions typed by its ExprChecker, with their diagnostics thrown away:
// compile() reports those.
import type { Attribute, Each, Expr, ItemDecl, Member, PathExpr, Span } from '../grammar/ast.js';
import { DiagnosticSink } from '../compiler/diagnostics/diagnostic.js';
import { ExprChecker } from '../compiler/items/check-expr.js';
import { AGGREGATES, FUNCTIONS } from '../compiler/items/functions.js';
import { resolvePath } from '../compiler/items/resolve-path.js';
import type { AttrInfo, ObjectShape, RowBinding, Scope } from '../compiler/items/typed.js';
import type { SourceFile } from '../compiler/load-sources.js';
import type { Schema, TableInfo } from '../compiler/schema/schema.js';
import {
  describeAlias,
  describeAttribute,
  describeColumn,
  describeRelation,
  describeTable,
  describeTarget,
  directionOf,
  joinOf,
  relationTarget,
} from './describe.js';
import { describeFunction } from './function-docs.js';
import { symbolKey, type Occurrence } from './occurrences.js';

/** A part of an item where rows and attributes are in scope: the item, a collection, an object. */
export interface ScopeRegion {
  start: number;
  end: number;
  rows: RowBinding[];
  /** The attributes of the object being built there (all of them, once the walk is done). */
  attrs: ObjectShape | null;
}

export interface SemanticIndex {
  occurrences: Occurrence[];
  scopes: ScopeRegion[];
}

const isFunction = (name: string) => name in FUNCTIONS || (AGGREGATES as readonly string[]).includes(name);

export function buildIndex(files: SourceFile[], entry: SourceFile, schema: Schema): SemanticIndex {
  const occurrences: Occurrence[] = [];
  const scopes: ScopeRegion[] = [];
  const add = (o: Occurrence) => occurrences.push(o);
  for (const file of files) indexDeclarations(file, schema, add);
  const walker = new ItemWalker(schema, add, scopes);
  for (const item of entry.ast.items) walker.item(item);
  return { occurrences, scopes };
}

function indexDeclarations(file: SourceFile, schema: Schema, add: (o: Occurrence) => void) {
  for (const imp of file.ast.imports) {
    const target = imp.path;
    add({
      kind: 'import',
      key: symbolKey.import(target),
      span: imp.span,
      declaration: null,
      isDeclaration: false,
      hover: `imports ${'`'}${target}${'`'}`,
    });
  }
  for (const decl of file.ast.tables) {
    const table = schema.tables.get(decl.name.text);
    const own = table?.decl === decl ? table : undefined;
    add({
      kind: 'table',
      key: symbolKey.table(decl.name.text),
      span: decl.name.span,
      declaration: decl.name.span,
      isDeclaration: true,
      hover: own ? describeTable(own) : `**${decl.name.text}**: table`,
    });
    for (const col of decl.columns) {
      const info = own?.columns.get(col.name.text);
      add({
        kind: 'column',
        key: symbolKey.column(decl.name.text, col.name.text),
        span: col.name.span,
        declaration: col.name.span,
        isDeclaration: info?.decl === col,
        hover: own && info ? describeColumn(own, info) : `**${col.name.text}**: column of ${decl.name.text}`,
      });
      const ref = col.reference;
      if (!ref) continue;
      const target = schema.tables.get(ref.target.text);
      add({
        kind: 'table',
        key: symbolKey.table(ref.target.text),
        span: ref.target.span,
        declaration: target?.decl.name.span ?? null,
        isDeclaration: false,
        hover: target ? describeTable(target) : `unknown table \`${ref.target.text}\``,
      });
      for (const [name, onTable] of [
        [ref.as, decl.name.text],
        [ref.inverse, ref.target.text],
      ] as const) {
        const relation = name && schema.tables.get(onTable)?.relations.get(name.text);
        if (name && relation)
          add({
            kind: 'relation',
            key: symbolKey.relation(onTable, name.text),
            span: name.span,
            declaration: name.span,
            isDeclaration: true,
            hover: describeRelation(relation),
          });
      }
    }
    for (const name of decl.compositeKey ?? []) {
      const info = own?.columns.get(name.text);
      if (own && info)
        add({
          kind: 'column',
          key: symbolKey.column(own.name, name.text),
          span: name.span,
          declaration: info.decl.name.span,
          isDeclaration: false,
          hover: describeColumn(own, info),
        });
    }
  }
  for (const decl of file.ast.targets) {
    const target = schema.targets.get(decl.name.text);
    add({
      kind: 'target',
      key: symbolKey.target(decl.name.text),
      span: decl.name.span,
      declaration: decl.name.span,
      isDeclaration: target?.decl === decl,
      hover: target ? describeTarget(target) : `**${decl.name.text}**: target table`,
    });
  }
}

class ItemWalker {
  private readonly sink = new DiagnosticSink();
  private readonly checker: ExprChecker;
  /** Where each row alias was declared. */
  private readonly aliasDecl = new Map<RowBinding, Span>();

  constructor(
    private readonly schema: Schema,
    private readonly add: (o: Occurrence) => void,
    private readonly scopes: ScopeRegion[],
  ) {
    this.checker = new ExprChecker(schema, this.sink);
  }

  item(decl: ItemDecl) {
    const target = this.schema.targets.get(decl.target.text);
    this.add({
      kind: 'target',
      key: symbolKey.target(decl.target.text),
      span: decl.target.span,
      declaration: target?.decl.name.span ?? null,
      isDeclaration: false,
      hover: target ? describeTarget(target) : `unknown target \`${decl.target.text}\``,
    });
    const table = this.schema.tables.get(decl.root.table.text);
    this.add({
      kind: 'table',
      key: symbolKey.table(decl.root.table.text),
      span: decl.root.table.span,
      declaration: table?.decl.name.span ?? null,
      isDeclaration: false,
      hover: table ? describeTable(table) : `unknown table \`${decl.root.table.text}\``,
    });
    const rows = table ? [this.bind(decl.root.alias.text, decl.root.alias.span, table, null)] : [];
    if (decl.root.filter) this.expr(decl.root.filter, { rows, attrs: null });
    const shape = this.object(decl.members, rows, decl.span);
    for (const member of decl.members) {
      if (member.kind === 'Require') this.expr(member.condition, { rows, attrs: shape });
      if (member.kind === 'Ttl') this.expr(member.value, { rows, attrs: shape });
    }
  }

  private bind(alias: string, span: Span, table: TableInfo, source: string | null): RowBinding {
    const binding: RowBinding = { alias, table, ref: { kind: 'alias', name: alias } };
    this.aliasDecl.set(binding, span);
    this.add({
      kind: 'alias',
      key: symbolKey.alias(span),
      span,
      declaration: span,
      isDeclaration: true,
      hover: describeAlias(alias, table, source),
    });
    return binding;
  }

  private object(members: Member[], rows: RowBinding[], region: Span): ObjectShape {
    const shape: ObjectShape = { attrs: new Map() };
    this.scopes.push({ start: region.offset, end: region.endOffset, rows, attrs: shape });
    const collections = new Map<string, RowBinding>();
    for (const member of members) {
      if (member.kind !== 'Attribute' || shape.attrs.has(member.name.text)) continue;
      const scope = { rows, attrs: shape };
      if (member.when) this.expr(member.when, scope);
      const info = this.attribute(member, rows, scope, collections);
      shape.attrs.set(info.name, info);
    }
    for (const member of members) {
      if (member.kind !== 'Keep') continue;
      const attr = shape.attrs.get(member.collection.text);
      if (attr)
        this.add({
          kind: 'attribute',
          key: symbolKey.attribute(attr.span),
          span: member.collection.span,
          declaration: attr.span,
          isDeclaration: false,
          hover: describeAttribute(attr, null, false),
        });
      const element = collections.get(member.collection.text);
      this.expr(member.condition, { rows: element ? [...rows, element] : rows, attrs: attr?.shape ?? null });
    }
    return shape;
  }

  private attribute(
    member: Attribute,
    rows: RowBinding[],
    scope: { rows: RowBinding[]; attrs: ObjectShape },
    collections: Map<string, RowBinding>,
  ): AttrInfo {
    const name = member.name.text;
    const value = member.value;
    let info: AttrInfo;
    let valueType: { type: string; nullable: boolean } | null = null;
    if (value.kind === 'Each') {
      const built = this.each(value, rows);
      if (built.binding) collections.set(name, built.binding);
      info = { name, type: 'list', nullable: false, shape: built.shape, copyOf: null, span: member.name.span };
    } else if (value.kind === 'Object') {
      info = {
        name,
        type: 'object',
        nullable: false,
        shape: this.object(value.members, rows, value.span),
        copyOf: null,
        span: member.name.span,
      };
    } else {
      this.expr(value, scope);
      const typed = this.checker.check(value, this.fullScope(scope));
      const plan = typed.plan;
      valueType = { type: typed.poison ? 'unknown' : plan.type, nullable: typed.nullable };
      const copyOf =
        plan.kind === 'column' && plan.row.kind === 'alias' ? { alias: plan.row.name, column: plan.column } : null;
      info = {
        name,
        type: plan.type,
        nullable: typed.nullable || member.when !== null,
        shape: null,
        copyOf,
        span: member.name.span,
      };
    }
    this.add({
      kind: 'attribute',
      key: symbolKey.attribute(member.name.span),
      span: member.name.span,
      declaration: member.name.span,
      isDeclaration: true,
      hover: describeAttribute(info, valueType, member.when !== null),
    });
    return info;
  }

  private each(each: Each, rows: RowBinding[]): { shape: ObjectShape; binding: RowBinding | null } {
    this.path(each.source, { rows, attrs: null });
    const source = resolvePath(each.source, this.fullScope({ rows, attrs: null }), this.schema, this.sink);
    const child = source.kind === 'sourceCollection' ? (this.schema.tables.get(source.relation.child) ?? null) : null;
    const shown = each.source.segments.map((s) => s.text).join('.');
    const binding = child ? this.bind(each.alias.text, each.alias.span, child, shown) : null;
    const inner = binding ? [...rows, binding] : rows;
    if (each.filter) this.expr(each.filter, { rows: inner, attrs: null });
    const shape = this.object(each.members, inner, each.span);
    for (const term of each.orderBy) this.expr(term.expr, { rows: inner, attrs: shape });
    return { shape, binding };
  }

  private fullScope(scope: { rows: RowBinding[]; attrs: ObjectShape | null }): Scope {
    return { rows: scope.rows, attrs: scope.attrs, later: new Set(), attributesOnly: null };
  }

  private expr(expr: Expr, scope: { rows: RowBinding[]; attrs: ObjectShape | null }): void {
    switch (expr.kind) {
      case 'Path':
        return this.path(expr, scope);
      case 'Template':
        for (const part of expr.parts) if (part.kind === 'expr') this.expr(part.expr, scope);
        return;
      case 'Unary':
      case 'Cast':
      case 'IsNull':
        return this.expr(expr.operand, scope);
      case 'Binary':
        this.expr(expr.left, scope);
        return this.expr(expr.right, scope);
      case 'Call':
        if (isFunction(expr.callee.text)) {
          this.add({
            kind: 'function',
            key: symbolKey.function(expr.callee.text),
            span: expr.callee.span,
            declaration: null,
            isDeclaration: false,
            hover: describeFunction(expr.callee.text),
          });
        }
        for (const arg of expr.args) this.expr(arg, scope);
        return;
      case 'Case':
        for (const branch of expr.branches) {
          this.expr(branch.when, scope);
          this.expr(branch.then, scope);
        }
        if (expr.otherwise) this.expr(expr.otherwise, scope);
        return;
      default:
        return;
    }
  }

  /** One occurrence per segment of a path, each hover listing the steps of the whole path. */
  private path(path: PathExpr, scope: { rows: RowBinding[]; attrs: ObjectShape | null }): void {
    const full = this.fullScope(scope);
    const found: Array<Omit<Occurrence, 'hover'> & { headline: string; step: string }> = [];
    let table = null as TableInfo | null;
    for (let i = 0; i < path.segments.length; i++) {
      const segment = path.segments[i];
      const prefix: PathExpr = { kind: 'Path', segments: path.segments.slice(0, i + 1), span: path.span };
      const resolved = resolvePath(prefix, full, this.schema, this.sink);
      const at = { span: segment.span, isDeclaration: false };
      const binding = i === 0 ? [...scope.rows].reverse().find((r) => r.alias === segment.text) : undefined;
      if (binding) {
        const decl = this.aliasDecl.get(binding)!;
        found.push({
          ...at,
          kind: 'alias',
          key: symbolKey.alias(decl),
          declaration: decl,
          headline: describeAlias(binding.alias, binding.table, null),
          step: `\`${segment.text}\`: a row of \`${binding.table.name}\``,
        });
        table = binding.table;
        continue;
      }
      if (resolved.kind === 'attr') {
        const attr = resolved.attr;
        found.push({
          ...at,
          kind: 'attribute',
          key: symbolKey.attribute(attr.span),
          declaration: attr.span,
          headline: describeAttribute(attr, null, false),
          step: `\`${segment.text}\`: attribute, ${attr.type}`,
        });
        continue;
      }
      const relation = table?.relations.get(segment.text);
      if (resolved.kind === 'column' && table) {
        const column = resolved.table.columns.get(resolved.column)!;
        found.push({
          ...at,
          kind: 'column',
          key: symbolKey.column(resolved.table.name, resolved.column),
          declaration: column.decl.name.span,
          headline: describeColumn(resolved.table, column),
          step: `\`.${segment.text}\`: column of \`${resolved.table.name}\`, ${column.type}${column.nullable ? ', nullable' : ''}`,
        });
      } else if (relation && table) {
        found.push({
          ...at,
          kind: 'relation',
          key: symbolKey.relation(table.name, relation.name),
          declaration: relation.span,
          headline: describeRelation(relation),
          step: `\`.${segment.text}\` → \`${relationTarget(relation)}\`: ${directionOf(relation)} (${joinOf(relation)})`,
        });
        table = this.schema.tables.get(relationTarget(relation)) ?? null;
        continue;
      }
      if (resolved.kind === 'error') break;
      table = null;
    }
    const steps = found.length > 1 ? `\n\n---\n\n${found.map((f) => `- ${f.step}`).join('\n')}` : '';
    for (const { headline, step: _step, ...occurrence } of found) this.add({ ...occurrence, hover: headline + steps });
  }
}
