/**
 * Every error code the API description lists is one the service can return: a code documented but
 * never thrown is a promise to clients that no response keeps.
 */
import { describe, it, expect } from 'vitest'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as errors from '../../src/errors.js'

const SRC = fileURLToPath(new URL('../../src', import.meta.url))

async function sources (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...await sources(path))
    else if (/\.(ts|mjs)$/.test(e.name) && path !== join(SRC, 'errors.ts')) out.push(await readFile(path, 'utf8'))
  }
  return out
}

describe('error codes', () => {
  it('each code in ERROR_CODES is raised by some route or plugin', async () => {
    const code = await sources(SRC)
    const byCode = new Map(Object.entries(errors).filter(([name]) => name.startsWith('ERR_')).map(([name, E]) => [new (E as new () => { code: string })().code, name]))
    const unused = errors.ERROR_CODES.filter((c) => !code.some((text) => new RegExp(`\\b${byCode.get(c)}\\b`).test(text)))
    expect(unused).toEqual([])
  })
})
