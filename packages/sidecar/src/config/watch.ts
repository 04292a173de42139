// Noticing config file changes: the directory is watched, because a ConfigMap update swaps a symlink, not the file.
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../log.js';

/** Events closer together than this are one change (editors and the kubelet write in several steps). */
export const DEBOUNCE_MS = 250;

/**
 * Calls `onChange` (debounced) whenever anything in the file's directory changes; the caller re-reads
 * the file by its path and compares. Returns a function that stops watching.
 */
export function watchConfig(file: string, onChange: () => void, log: Logger): () => void {
  const directory = dirname(resolve(file));
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(directory, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, DEBOUNCE_MS).unref();
    });
  } catch (error) {
    log('warn', 'cannot watch the config file; reload with SIGHUP', {
      file: basename(file),
      error: (error as Error).message,
    });
    return () => {};
  }
  watcher.on('error', (error) => {
    log('warn', 'stopped watching the config file; reload with SIGHUP', {
      file: basename(file),
      error: error.message,
    });
    watcher.close();
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
