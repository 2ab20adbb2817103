// Document symbols: the outline of one file. Tables with their columns, targets, items with
// their attributes, objects and nested collections.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { MapFile, Member, Span } from '../grammar/ast.js';
import type { LineIndex } from './positions.js';

export function documentSymbols(ast: MapFile, lines: LineIndex): DocumentSymbol[] {
  const symbol = (
    name: string,
    detail: string,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: DocumentSymbol[] = [],
  ): DocumentSymbol => {
    const range = lines.rangeOf(span);
    const selectionRange = lines.rangeOf(selection);
    // The selection must lie inside the range, even where recovery made a short span.
    return {
      name,
      detail,
      kind,
      range: {
        start: range.start,
        end:
          selectionRange.end.line > range.end.line ||
          (selectionRange.end.line === range.end.line && selectionRange.end.character > range.end.character)
            ? selectionRange.end
            : range.end,
      },
      selectionRange,
      children,
    };
  };
  const members = (list: Member[]): DocumentSymbol[] =>
    list.flatMap((m) => {
      if (m.kind !== 'Attribute') return [];
      if (m.value.kind === 'Each') {
        const source = m.value.source.segments.map((s) => s.text).join('.');
        return [
          symbol(
            m.name.text,
            `each ${m.value.alias.text} in ${source}`,
            SymbolKind.Array,
            m.span,
            m.name.span,
            members(m.value.members),
          ),
        ];
      }
      if (m.value.kind === 'Object')
        return [symbol(m.name.text, 'object', SymbolKind.Object, m.span, m.name.span, members(m.value.members))];
      return [symbol(m.name.text, '', SymbolKind.Property, m.span, m.name.span)];
    });
  return [
    ...ast.tables.map((t) =>
      symbol(
        t.name.text,
        `table from "${t.pattern.text}"`,
        SymbolKind.Class,
        t.span,
        t.name.span,
        t.columns.map((c) =>
          symbol(c.name.text, `${c.type.name}${c.nullable ? '?' : ''}`, SymbolKind.Field, c.span, c.name.span),
        ),
      ),
    ),
    ...ast.targets.map((t) => symbol(t.name.text, 'target', SymbolKind.Interface, t.span, t.name.span)),
    ...ast.items.map((i) =>
      symbol(
        i.name.text,
        `item into ${i.target.text} from ${i.root.table.text}`,
        SymbolKind.Struct,
        i.span,
        i.name.span,
        members(i.members),
      ),
    ),
  ];
}
