// Layout for `mapc fmt`, second half: lines become text. A table's columns are laid out as a
// table (name, type, the rest), and the `=` of consecutive one-line attributes line up.
import type { Line, Piece } from './format-lines.js';

/** Where columns and attributes are, read from the AST. */
export interface AlignmentShapes {
  /** Offsets of the first token of every column declaration. */
  columns: ReadonlySet<number>;
  /** For every attribute (`name = …`), its start offset → the offset one past its last character. */
  attributes: ReadonlyMap<number, number>;
}

/** A line split into cells that are padded to a common width; the last cell is never padded. */
interface Row {
  line: Line;
  cells: string[];
  /** How many leading cells set the group's widths: a column's type counts even when last. */
  measured: number;
}

export function renderLines(lines: Line[], pieces: Piece[], shapes: AlignmentShapes): string {
  const text = (tokens: number[]) =>
    tokens.map((index, position) => (position === 0 ? '' : pieces[index].space) + pieces[index].image).join('');
  const lineOfPiece = new Map<number, Line>();
  for (const line of lines) for (const index of line.tokens) lineOfPiece.set(index, line);

  const columnCells = (line: Line): string[] | null => {
    const [name, type, next] = line.tokens;
    if (type === undefined || !shapes.columns.has(pieces[name].offset)) return null;
    const typeEnd = pieces[next]?.type === 'Question' ? 3 : 2;
    const rest = line.tokens.slice(typeEnd);
    return [pieces[name].image, text(line.tokens.slice(1, typeEnd)), ...(rest.length > 0 ? [text(rest)] : [])];
  };

  const attributeCells = (line: Line): string[] | null => {
    const [name] = line.tokens;
    const end = name === undefined ? undefined : shapes.attributes.get(pieces[name].offset);
    if (end === undefined) return null;
    // Only an attribute that fits on its line aligns: its last token is on the same line.
    let last = name;
    while (last + 1 < pieces.length && pieces[last + 1].offset < end) last++;
    while (pieces[last].type === 'Comment') last--;
    if (lineOfPiece.get(last) !== line) return null;
    return [pieces[name].image, text(line.tokens.slice(1))];
  };

  // Rows of one alignment group share cell widths: every column of one table, or a run of
  // attribute lines not broken by a blank line or by another kind of line (own-line comments
  // do not break a run).
  const groups: Row[][] = [];
  let attributeRun: Row[] | null = null;
  const tableColumns = new Map<number, Row[]>();
  for (const line of lines) {
    if (line.blankBefore) attributeRun = null;
    if (line.tokens.length === 0) continue;
    const column = columnCells(line);
    if (column) {
      const table = tableColumns.get(line.block) ?? [];
      if (table.length === 0) groups.push(table);
      tableColumns.set(line.block, table);
      table.push({ line, cells: column, measured: 2 });
      continue;
    }
    const attribute = attributeCells(line);
    if (!attribute) {
      attributeRun = null;
      continue;
    }
    if (!attributeRun) groups.push((attributeRun = []));
    attributeRun.push({ line, cells: attribute, measured: 1 });
  }

  const aligned = new Map<Line, string>();
  for (const rows of groups) {
    const widths: number[] = [];
    for (const { cells, measured } of rows) {
      cells.slice(0, measured).forEach((cell, position) => {
        widths[position] = Math.max(widths[position] ?? 0, cell.length);
      });
    }
    for (const { line, cells } of rows) {
      aligned.set(
        line,
        cells.map((cell, position) => (position < cells.length - 1 ? cell.padEnd(widths[position]) : cell)).join(' '),
      );
    }
  }

  const output: string[] = [];
  for (const line of lines) {
    if (line.blankBefore) output.push('');
    const code = aligned.get(line) ?? text(line.tokens);
    const comment = line.comment === null ? '' : code === '' ? line.comment : `  ${line.comment}`;
    output.push(`${'  '.repeat(line.depth)}${code}${comment}`);
  }
  return output.length === 0 ? '' : `${output.join('\n')}\n`;
}
