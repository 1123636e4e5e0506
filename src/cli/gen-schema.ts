/**
 * Writes schema/rules.schema.json from the zod schema, so editors (yaml-language-server) complete
 * and check rule files. A test fails when the committed file is stale: run `npm run schema`.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { ruleFileSchema } from '../rules/schema.js'

export function rulesJsonSchema (): string {
  const schema = z.toJSONSchema(ruleFileSchema, { io: 'input', unrepresentable: 'any' })
  return JSON.stringify({ ...schema, title: 'shop-autoreply rule file', description: 'See README.md, "Rule files"' }, null, 2) + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('../../schema/rules.schema.json', import.meta.url))
  await writeFile(target, rulesJsonSchema())
  process.stdout.write(`wrote ${target}\n`)
}
