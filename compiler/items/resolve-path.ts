// Resolves a dotted path (`o.order_lines`, `l.products.description`, `lines.amount`) against
// the rows and attributes in scope.
import type { PathExpr } from '../../grammar/ast.js';
import type { RowRef } from '../../runtime/plan/types.js';
import type { DiagnosticSink } from '../diagnostics/diagnostic.js';
import { suggestion } from '../diagnostics/did-you-mean.js';
import type { CollectionRelation, Schema, TableInfo } from '../schema/schema.js';
import type { AttrInfo, RowBinding, Scope } from './typed.js';

export type Resolved =
  | { kind: 'column'; binding: RowBinding; ref: RowRef; table: TableInfo; column: string }
  | { kind: 'row'; ref: RowRef; table: TableInfo }
  | { kind: 'sourceCollection'; parentRef: RowRef; relation: CollectionRelation }
  /** An attribute path; `through` lists the list-valued attributes it passes through. */
  | { kind: 'attr'; path: string[]; attr: AttrInfo; throughLists: number }
  | { kind: 'error' };

const text = (path: PathExpr) => path.segments.map((s) => s.text).join('.');

export function resolvePath(path: PathExpr, scope: Scope, schema: Schema, sink: DiagnosticSink): Resolved {
  const [head, ...rest] = path.segments;
  if (!head || head.text === '') return { kind: 'error' };
  const binding = [...scope.rows].reverse().find((r) => r.alias === head.text);
  if (binding) {
    if (scope.attributesOnly) {
      sink.report('MAP0313', path.span, { path: text(path), clause: scope.attributesOnly });
      return { kind: 'error' };
    }
    let table = binding.table;
    let ref: RowRef = binding.ref;
    for (let i = 0; i < rest.length; i++) {
      const segment = rest[i];
      const isLast = i === rest.length - 1;
      if (table.columns.has(segment.text)) {
        if (!isLast) {
          sink.report('MAP0302', rest[i + 1].span, { table: `${table.name}.${segment.text}`, name: rest[i + 1].text });
          return { kind: 'error' };
        }
        return { kind: 'column', binding, ref, table, column: segment.text };
      }
      const relation = table.relations.get(segment.text);
      if (!relation && table.brokenRelations.has(segment.text)) return { kind: 'error' };
      if (!relation) {
        sink.report('MAP0302', segment.span, {
          table: table.name,
          name: segment.text,
          ...suggestion(segment.text, [...table.columns.keys(), ...table.relations.keys()]),
        });
        return { kind: 'error' };
      }
      if (relation.kind === 'collection') {
        if (!isLast) {
          sink.report('MAP0303', segment.span, {
            path: path.segments
              .slice(0, i + 2)
              .map((s) => s.text)
              .join('.'),
            hint: `iterate it with \`each x in ${path.segments
              .slice(0, i + 2)
              .map((s) => s.text)
              .join('.')} { … }\` and read \`x.${rest[i + 1].text}\` inside`,
          });
          return { kind: 'error' };
        }
        return { kind: 'sourceCollection', parentRef: ref, relation };
      }
      ref = {
        kind: 'lookup',
        table: relation.target,
        from: ref,
        fromColumns: relation.fromColumns,
        keyColumns: relation.keyColumns,
      };
      table = schema.tables.get(relation.target)!;
    }
    return { kind: 'row', ref, table };
  }

  const attrs = scope.attrs;
  const attr = attrs?.attrs.get(head.text);
  if (!attr) {
    if (scope.later.has(head.text)) sink.report('MAP0306', head.span, { name: head.text });
    else {
      const candidates = [...scope.rows.map((r) => r.alias), ...(attrs ? attrs.attrs.keys() : [])];
      const hint = scope.attributesOnly ? `${scope.attributesOnly} reads attributes by name` : undefined;
      sink.report('MAP0301', head.span, {
        name: head.text,
        ...suggestion(head.text, candidates),
        ...(hint ? { hint } : {}),
      });
    }
    return { kind: 'error' };
  }
  let current = attr;
  let throughLists = 0;
  for (const segment of rest) {
    if (current.type === 'list') throughLists += 1;
    const next = current.shape?.attrs.get(segment.text);
    if (!current.shape || !next) {
      sink.report('MAP0301', segment.span, {
        name: segment.text,
        ...suggestion(segment.text, current.shape ? current.shape.attrs.keys() : []),
        hint: `\`${current.name}\` has no attribute \`${segment.text}\``,
      });
      return { kind: 'error' };
    }
    current = next;
  }
  return { kind: 'attr', path: path.segments.map((s) => s.text), attr: current, throughLists };
}
