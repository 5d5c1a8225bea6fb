import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The nearest folder up from `from` with a package.json: the repository, wherever a test, the simulator or the
 * bench was bundled to (out/test/…, out/bench/…). A fixed number of levels is wrong for one of them.
 */
export function nearestPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
