import { it, expect } from 'vitest'
import { readFile } from 'node:fs/promises'
import { rulesJsonSchema } from '../../src/cli/gen-schema.js'

it('the shipped JSON Schema of rule files matches the zod schema (run `npm run schema`)', async () => {
  const shipped = await readFile(new URL('../../schema/rules.schema.json', import.meta.url), 'utf8')
  expect(shipped).toBe(rulesJsonSchema())
  expect(JSON.parse(shipped).properties.rules.type).toBe('array')
})
