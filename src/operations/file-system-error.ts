/** A full or read-only file system, as one line naming the file: for the interfaces' error edge. */
export { fileSystemError } from '../runtime/fs/file-error.js';
