/** `--data DIR`: refused in one line before anything opens it, not as a stack trace from mkdir. */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

const kindOf = (path: string): 'folder' | 'other' | 'missing' => {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    // ENOTDIR: a file stands where a folder on the way should be; its parent says which.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw error;
  }
};

/**
 * A data folder is made where it is missing, but only inside a folder that exists: a mistyped parent
 * (`--data /vra/lib/vigil`) is refused rather than made.
 */
export function checkDataDir(dataDir: string): void {
  const kind = kindOf(dataDir);
  if (kind === 'other') throw new UserError(`--data ${dataDir}: not a folder; give the folder Vigil keeps its data in`);
  if (kind === 'folder') return;
  const parent = dirname(resolve(dataDir));
  const parentKind = kindOf(parent);
  if (parentKind === 'missing') throw new UserError(`--data ${dataDir}: its parent folder ${parent} does not exist`);
  if (parentKind === 'other') throw new UserError(`--data ${dataDir}: ${parent} is not a folder`);
}
