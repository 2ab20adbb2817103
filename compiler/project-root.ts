// The folder a mapping's imports must stay inside: the nearest folder, from the entry file's
// own upwards, holding a mapc.json or package.json; without one, the entry file's folder.
import { dirname, join } from 'node:path';

const MARKERS = ['mapc.json', 'package.json'];

export function projectRootOf(entryPath: string, exists: (path: string) => boolean): string {
  const start = dirname(entryPath);
  for (let folder = start; ; folder = dirname(folder)) {
    if (MARKERS.some((marker) => exists(join(folder, marker)))) return folder;
    if (dirname(folder) === folder) return start;
  }
}
