import { describe, it, expect } from 'vitest'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

// The domain decides from plain data: conversation state and pending questions are engine types
// (src/engine/types.ts) that the stores keep, never the other way round.
const DOMAIN = ['src/engine', 'src/matching', 'src/replies']
const FORBIDDEN = [/from '\.\.\/store\//, /from '\.\.\/routes\//, /from 'fastify/, /from 'ioredis'/]

async function imports (dir: string): Promise<{ files: number; lines: Array<{ file: string; line: string }> }> {
  const lines: Array<{ file: string; line: string }> = []
  const names = (await readdir(dir)).filter((name) => /\.m?ts$/.test(name))
  for (const name of names) {
    const file = join(dir, name)
    for (const line of (await readFile(file, 'utf8')).split('\n')) if (/^\s*(import|export) .* from /.test(line)) lines.push({ file, line })
  }
  return { files: names.length, lines }
}

describe('the domain knows nothing of stores or HTTP', () => {
  it.each(DOMAIN)('%s imports no store, route, Fastify or Redis module', async (dir) => {
    const { files, lines } = await imports(dir)
    expect(files).toBeGreaterThan(0)
    expect(lines.filter(({ line }) => FORBIDDEN.some((f) => f.test(line)))).toEqual([])
  })
})
