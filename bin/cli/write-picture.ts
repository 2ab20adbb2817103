// Writes a picture of a mapping (`mapc graph --out`, `mapc explain --graph`) to its file,
// with the file, the cause and what to do when the write fails.
import { writeFileSync } from 'node:fs';
import { writeFailure } from '../../runtime/sinks/output-file.js';

export function writePicture(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw writeFailure(path, what, error as Error);
  }
}
