/**
 * Watches the rules directory and calls `onChange` once per burst of saves: editors write a file
 * in several steps (temp file, rename, chmod), and a half-written file must not be loaded.
 */
import { watch } from 'chokidar'

export interface Watcher {
  /** resolves once the initial scan is done: a save before that may go unnoticed */
  ready: Promise<void>
  close (): Promise<void>
}

export function watchRules (dir: string, onChange: () => void, debounceMs = 150): Watcher {
  let timer: NodeJS.Timeout | undefined
  const watcher = watch(dir, {
    ignoreInitial: true,
    // YAML files and folders (shops); editor swap and backup files are not rules
    ignored: (path, stats) => Boolean(stats?.isFile() && !/\.ya?ml$/i.test(path)),
    awaitWriteFinish: { stabilityThreshold: 80, pollInterval: 20 }
  })
  const ready = new Promise<void>((resolve) => { watcher.once('ready', () => resolve()) })
  watcher.on('all', () => {
    clearTimeout(timer)
    timer = setTimeout(onChange, debounceMs)
  })
  return {
    ready,
    async close () {
      clearTimeout(timer)
      await watcher.close()
    }
  }
}
