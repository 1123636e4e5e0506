/**
 * Watches the rules directory and calls `onChange` once per burst of saves: editors write a file
 * in several steps (temp file, rename, chmod), and a half-written file must not be loaded. It says
 * which shops the burst touched, so that with 1,000 shop folders a save re-reads one of them.
 */
import { watch } from 'chokidar'
import { relative, sep } from 'node:path'
import { DEFAULT_SHOP } from './load.js'

export interface Watcher {
  /** resolves once the initial scan is done: a save before that may go unnoticed */
  ready: Promise<void>
  close (): Promise<void>
}

/** The shop a changed path belongs to: its folder, or `default` for the top-level files; undefined: the whole directory. */
export function shopOfPath (dir: string, path: string): string | undefined {
  const rel = relative(dir, path)
  if (rel === '' || rel.startsWith('..')) return undefined
  const parts = rel.split(sep)
  return parts.length === 1 && /\.ya?ml$/i.test(rel) ? DEFAULT_SHOP : parts[0]
}

/** `onChange(shops)`: the shops whose folders changed in the burst, or undefined when it may be any (reload all). */
export function watchRules (dir: string, onChange: (shops: string[] | undefined) => void, debounceMs = 150): Watcher {
  let timer: NodeJS.Timeout | undefined
  let touched: Set<string> | undefined = new Set()
  const watcher = watch(dir, {
    ignoreInitial: true,
    // YAML files and folders (shops); editor swap and backup files are not rules
    ignored: (path, stats) => Boolean(stats?.isFile() && !/\.ya?ml$/i.test(path)),
    awaitWriteFinish: { stabilityThreshold: 80, pollInterval: 20 }
  })
  const ready = new Promise<void>((resolve) => { watcher.once('ready', () => resolve()) })
  watcher.on('all', (_event, path) => {
    const shop = shopOfPath(dir, path)
    if (shop === undefined) touched = undefined
    else touched?.add(shop)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const shops = touched && [...touched]
      touched = new Set()
      onChange(shops)
    }, debounceMs)
  })
  return {
    ready,
    async close () {
      clearTimeout(timer)
      await watcher.close()
    }
  }
}
