// Offsets in a text (what spans hold) to LSP positions (0-based line, UTF-16 character) and
// back. Spans count JavaScript string indexes, which are UTF-16 units, as LSP does.
import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../grammar/ast.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.starts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[Math.max(0, position.line)];
    const end = position.line + 1 < this.starts.length ? this.starts[position.line + 1] - 1 : this.text.length;
    return Math.min(start + Math.max(0, position.character), end);
  }

  rangeOf(span: Pick<Span, 'offset' | 'endOffset'>): Range {
    return { start: this.positionAt(span.offset), end: this.positionAt(Math.max(span.offset, span.endOffset)) };
  }
}
