/**
 * Writes schema/rules.schema.json from the zod schema, so editors (yaml-language-server) complete
 * and check rule files. A test fails when the committed file is stale: run `npm run schema`.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { ruleFileSchema } from '../rules/schema.js'

/**
 * Draft-07: the draft yaml-language-server (VS Code's YAML extension) validates with; under a
 * 2020-12 schema it does not know `prefixItems`, so ranges like height_cm went unchecked.
 * Input side: what an operator writes, before defaults and transforms.
 * @see https://github.com/redhat-developer/yaml-language-server/issues/856
 */
export const JSON_SCHEMA_OPTIONS = { io: 'input', unrepresentable: 'any', target: 'draft-7' } as const

export function rulesJsonSchema (): string {
  const schema = z.toJSONSchema(ruleFileSchema, JSON_SCHEMA_OPTIONS)
  return JSON.stringify({ ...schema, title: 'shop-autoreply rule file', description: 'See README.md, "Rule files"' }, null, 2) + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('../../schema/rules.schema.json', import.meta.url))
  await writeFile(target, rulesJsonSchema())
  process.stdout.write(`wrote ${target}\n`)
}
