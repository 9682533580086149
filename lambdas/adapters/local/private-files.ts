/**
 * A data folder holds every result, incident, job output and undelivered alert, and the key to its
 * store (docs/architecture.md, "The table"): only its owner may read it. Folders are 0700 and files
 * 0600, whatever the umask; a folder written by an older Vigil is tightened when it is opened.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** Creates the folder (and its parents) private, or makes an existing one and everything in it private. */
export function privateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  tighten(dir);
}

function tighten(dir: string): void {
  chmodSync(dir, PRIVATE_FOLDER_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    try {
      if (entry.isDirectory()) tighten(path);
      else if (entry.isFile()) chmodSync(path, PRIVATE_FILE_MODE);
    } catch (error) {
      // A file the store removed meanwhile (LevelDB compacts) needs nothing.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Written whole and renamed into place (a crash leaves the old file or the new, never half), owner-only. */
export function writePrivateFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', PRIVATE_FILE_MODE);
  try {
    // The mode above applies only to a file it creates: a leftover temporary keeps its own.
    fchmodSync(fd, PRIVATE_FILE_MODE);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
