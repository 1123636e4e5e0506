/**
 * The JSON Schema editors use to complete and check rule files (schema/rules.schema.json): it must
 * be what the zod schema produces now, editors must find it, and it must agree with the loader on
 * real files — a schema that flags valid files teaches operators to ignore the squiggles.
 */
import { describe, it, expect } from 'vitest'
import { readFile, readdir } from 'node:fs/promises'
import { join, dirname, resolve, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { parse } from 'yaml'
import { Ajv } from 'ajv'
import { ruleFileSchema } from '../../src/rules/schema.js'
import { JSON_SCHEMA_OPTIONS } from '../../src/cli/gen-schema.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCHEMA = join(ROOT, 'schema/rules.schema.json')

async function yamlFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...await yamlFiles(join(dir, e.name)))
    else if (/\.ya?ml$/.test(e.name)) out.push(join(dir, e.name))
  }
  return out.sort()
}

const shipped = () => yamlFiles(join(ROOT, 'rules'))
const fixtures = () => yamlFiles(join(ROOT, 'test/fixtures/rules-shops'))

describe('schema/rules.schema.json', () => {
  it('is what z.toJSONSchema makes of the zod schema now (after a schema change, run `npm run schema`)', async () => {
    const file = JSON.parse(await readFile(SCHEMA, 'utf8'))
    const { title: _t, description: _d, ...generated } = file
    expect(generated).toEqual(z.toJSONSchema(ruleFileSchema, JSON_SCHEMA_OPTIONS))
  })

  it('is draft-07, the draft yaml-language-server validates with', async () => {
    const file = JSON.parse(await readFile(SCHEMA, 'utf8'))
    expect(file.$schema).toBe('http://json-schema.org/draft-07/schema#')
    // draft-07 spells a tuple as an items array; a 2020-12 "items: false" would forbid every row
    expect(JSON.stringify(file)).not.toContain('prefixItems')
  })

  it('accepts every shipped and fixture rule file, and flags a misspelt field as the loader does', async () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(await readFile(SCHEMA, 'utf8')))
    for (const f of [...await shipped(), ...await fixtures()]) {
      const ok = validate(parse(await readFile(f, 'utf8')) ?? {})
      expect([relative(ROOT, f), ok ? [] : validate.errors]).toEqual([relative(ROOT, f), []])
    }
    const typo = { rules: [{ id: 'r', intent: 'shipping', keywords: ['包邮'], replly: 'x' }] }
    expect(validate(typo)).toBe(false)
    expect(validate.errors).toContainEqual(expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'replly' } }))
    const badRange = { size_charts: [{ id: 's', intent: 'size', keywords: ['尺码'], ask: 'a', reply: 'r', rows: [{ size: 'S', height_cm: [150], weight_jin: [80, 95] }] }] }
    expect(validate(badRange)).toBe(false)
  })
})

describe('rule files point editors at the schema', () => {
  it('every shipped rules/*.yaml starts with the yaml-language-server $schema comment, and it resolves', async () => {
    const files = await shipped()
    expect(files.length).toBeGreaterThan(0)
    for (const f of [...files, ...await fixtures()]) {
      const first = (await readFile(f, 'utf8')).split('\n')[0]!
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)
      expect([relative(ROOT, f), m !== null]).toEqual([relative(ROOT, f), true])
      // relative to the file, as the language server reads it
      expect([relative(ROOT, f), resolve(dirname(f), m![1]!)]).toEqual([relative(ROOT, f), SCHEMA])
    }
  })
})
