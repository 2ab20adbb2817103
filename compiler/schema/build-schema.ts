// Resolves table and target declarations of all loaded files into one Schema: column types,
// keys, references and their inverse collections, with the checks that belong to each.
import { COLUMN_TYPES, type ColumnType, type TableDecl } from '../../grammar/ast.js';
import { placeOf, type DiagnosticSink } from '../diagnostics/diagnostic.js';
import { suggestion } from '../diagnostics/did-you-mean.js';
import type { SourceFile } from '../load-sources.js';
import { buildFormat } from './format-options.js';
import type { ColumnInfo, Relation, Schema, TableInfo } from './schema.js';
import { tableNameProblem } from '../../runtime/dynamodb/table-name.js';

function buildTable(decl: TableDecl, declaredInEntry: boolean, sink: DiagnosticSink): TableInfo {
  const columns = new Map<string, ColumnInfo>();
  decl.columns.forEach((col, position) => {
    if (columns.has(col.name.text)) {
      sink.report('MAP0104', col.name.span, { column: col.name.text, table: decl.name.text });
      return;
    }
    let type = col.type.name as ColumnType;
    const known = COLUMN_TYPES.includes(type);
    if (!known) {
      sink.report('MAP0105', col.type.span, { type: col.type.name, ...suggestion(col.type.name, COLUMN_TYPES) });
      type = 'string';
    }
    columns.set(col.name.text, {
      name: col.name.text,
      type,
      nullable: col.nullable,
      header: col.header?.text ?? col.name.text,
      position,
      poison: !known,
      decl: col,
    });
  });

  let key = decl.columns.filter((c) => c.isKey).map((c) => c.name.text);
  if (decl.compositeKey) {
    key = [];
    for (const name of decl.compositeKey) {
      if (!columns.has(name.text))
        sink.report('MAP0107', name.span, {
          column: name.text,
          table: decl.name.text,
          ...suggestion(name.text, columns.keys()),
        });
      else key.push(name.text);
    }
  }
  for (const name of key) {
    const column = columns.get(name);
    if (column?.nullable) sink.report('MAP0114', column.decl.name.span, { column: name, table: decl.name.text });
  }
  return {
    name: decl.name.text,
    pattern: decl.pattern.text,
    optional: decl.optional !== null,
    format: buildFormat(decl.options, sink),
    columns,
    key,
    relations: new Map(),
    brokenRelations: new Set(),
    declaredInEntry,
    decl,
  };
}

function addRelation(table: TableInfo, relation: Relation, sink: DiagnosticSink, describe: (r: Relation) => string) {
  const existing = table.relations.get(relation.name);
  if (existing) {
    sink.report('MAP0111', relation.span, {
      table: table.name,
      name: relation.name,
      from: `${describe(existing)} and ${describe(relation)}`,
      target: relation.kind === 'lookup' ? relation.target : relation.table,
    });
    return;
  }
  if (table.columns.has(relation.name)) {
    sink.report('MAP0112', relation.span, { name: relation.name, table: table.name });
    return;
  }
  table.relations.set(relation.name, relation);
}

function linkReferences(tables: Map<string, TableInfo>, sink: DiagnosticSink) {
  const describe = (r: Relation) =>
    r.kind === 'lookup'
      ? `${r.table}.${r.fromColumns[0]} -> ${r.target}`
      : `${r.child}.${r.childColumns[0]} -> ${r.table}`;
  for (const table of tables.values()) {
    for (const col of table.decl.columns) {
      const ref = col.reference;
      if (!ref) continue;
      const target = tables.get(ref.target.text);
      const broken = () => {
        table.brokenRelations.add(ref.as?.text ?? ref.target.text);
        target?.brokenRelations.add(ref.inverse?.text ?? table.name);
      };
      if (!target) {
        sink.report('MAP0109', ref.target.span, {
          column: col.name.text,
          table: ref.target.text,
          ...suggestion(ref.target.text, tables.keys()),
        });
        broken();
        continue;
      }
      if (target === table) {
        sink.report('MAP0113', ref.span, { cycle: `${table.name} -> ${table.name}` });
        broken();
        continue;
      }
      if (target.key.length !== 1) {
        broken();
        sink.report('MAP0110', ref.target.span, {
          detail: `\`${col.name.text}\` references \`${target.name}\`, whose key is ${target.key.length === 0 ? 'not declared' : `composite (${target.key.join(', ')})`}`,
          hint: 'a reference names one column and points at a table with a one-column key',
        });
        continue;
      }
      const keyColumn = target.columns.get(target.key[0])!;
      const fromColumn = table.columns.get(col.name.text);
      if (fromColumn && fromColumn.type !== keyColumn.type) {
        sink.report('MAP0110', col.type.span, {
          detail: `\`${table.name}.${col.name.text}\` is ${fromColumn.type} but the key it references, \`${target.name}.${keyColumn.name}\`, is ${keyColumn.type}`,
          hint: `declare \`${col.name.text}\` as ${keyColumn.type}`,
        });
        broken();
        continue;
      }
      addRelation(
        table,
        {
          kind: 'lookup',
          name: ref.as?.text ?? target.name,
          table: table.name,
          target: target.name,
          fromColumns: [col.name.text],
          keyColumns: [...target.key],
          span: ref.as?.span ?? ref.span,
        },
        sink,
        describe,
      );
      addRelation(
        target,
        {
          kind: 'collection',
          name: ref.inverse?.text ?? table.name,
          table: target.name,
          child: table.name,
          childColumns: [col.name.text],
          parentColumns: [...target.key],
          span: ref.inverse?.span ?? ref.span,
        },
        sink,
        describe,
      );
    }
  }
}

/** Reference cycles (a self-reference included) leave no order in which parents come first. */
function reportCycles(tables: Map<string, TableInfo>, sink: DiagnosticSink) {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    const table = tables.get(name)!;
    for (const relation of table.relations.values()) {
      if (relation.kind !== 'lookup') continue;
      const next = relation.target;
      if (state.get(next) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next].join(' -> ');
        sink.report('MAP0113', relation.span, { cycle });
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of tables.keys()) if (!state.has(name)) visit(name);
}

export function buildSchema(files: SourceFile[], entry: SourceFile, sink: DiagnosticSink): Schema {
  const tables = new Map<string, TableInfo>();
  const targets: Schema['targets'] = new Map();
  for (const file of files) {
    for (const decl of file.ast.tables) {
      const other = tables.get(decl.name.text);
      if (other) {
        sink.report('MAP0103', decl.name.span, {
          what: 'table',
          name: decl.name.text,
          other: placeOf(other.decl.name.span),
        });
        continue;
      }
      tables.set(decl.name.text, buildTable(decl, file === entry, sink));
    }
    for (const decl of file.ast.targets) {
      const other = targets.get(decl.name.text);
      if (other) {
        sink.report('MAP0103', decl.name.span, {
          what: 'target',
          name: decl.name.text,
          other: placeOf(other.decl.name.span),
        });
        continue;
      }
      if (!decl.partitionKey) sink.report('MAP0202', decl.name.span, { target: decl.name.text });
      // A warning: the name may be bound to a valid physical table when the plan runs (checked then).
      const nameProblem = tableNameProblem(decl.name.text);
      if (nameProblem) sink.report('MAP0212', decl.name.span, { target: decl.name.text, problem: nameProblem });
      targets.set(decl.name.text, {
        name: decl.name.text,
        partitionKey: decl.partitionKey?.text ?? null,
        sortKey: decl.sortKey?.text ?? null,
        ttlAttribute: decl.ttlAttribute?.text ?? null,
        decl,
      });
    }
  }
  linkReferences(tables, sink);
  reportCycles(tables, sink);
  return { tables, targets };
}
