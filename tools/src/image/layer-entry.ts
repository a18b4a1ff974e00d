// What a caller puts into one image layer. Paths are relative to the image root.

export type LayerEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque';

export interface LayerEntry {
  /**
   * Path inside the image (`bin/sh`, `/etc/passwd` and `./etc/passwd` mean the same). For
   * 'whiteout' the path of the file to delete from lower layers (written as `<dir>/.wh.<name>`);
   * for 'opaque' the directory whose lower contents are hidden (`<dir>/.wh..wh..opq`).
   */
  path: string;
  type: LayerEntryType;
  /** Permission bits (with setuid/setgid/sticky); defaults: file 0644 (or the source's), dir 0755, symlink 0777. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** File content; a string is written as UTF-8. */
  content?: Buffer | string;
  /** A host file whose content (and, without `mode`, permission bits) the entry copies. */
  source?: string;
  /** Target of a symlink (verbatim) or of a hardlink (an image path of an entry in this layer). */
  linkname?: string;
  /**
   * Write `path` and `linkname` into the tar exactly as given, without normalising or checking them,
   * and without adding parent directories: for layers that try to escape the rootfs
   * (`../x`, `/abs`, symlinks out of the root). Unsafe entries follow the normal ones, in the given order.
   */
  unsafe?: boolean;
}

export interface LayerSpec {
  entries: LayerEntry[];
  /** The layer's `history[].created_by` text in the image config. */
  createdBy?: string;
}
