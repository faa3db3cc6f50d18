// Reads a text file the user named, but never more than a cap: a wrong path such as /dev/zero,
// a FIFO or a huge log must end in a clear error, not in a CLI that reads forever.
import { closeSync, openSync, readSync } from 'node:fs';

export const maxInventoryFileBytes = 16 * 1024 * 1024;
export const maxPolicyFileBytes = 1024 * 1024;

/** The file's text; throws an Error saying what is wrong (unreadable, or larger than `maxBytes`). */
export function readCappedTextFile(path: string, maxBytes: number, what: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    // Read until end of file or one byte past the cap; fstat sizes lie for devices and pipes.
    while (length <= maxBytes) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) {
      throw new Error(`it is larger than ${formatBytes(maxBytes)}, far more than any ${what}. Check that this is the right file.`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
