/**
 * Reads a rules directory into validated shop rule sets. Pure of Fastify and Redis: the server,
 * the watcher and the operator CLI all call it. Every problem is reported with file:line, the
 * rule id where there is one, and the reason — operators are not programmers.
 *
 * Layout: `*.yaml` files directly in the directory form the shop `default`; each subdirectory
 * holding `*.yaml` files is a shop named after the subdirectory.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { LineCounter, parseDocument, isMap, isSeq, type Document } from 'yaml'
import type { z } from 'zod'
import { ruleFileSchema, welcomeSchema, handoffSchema, type ShopRules, type RuleFile } from './schema.js'

export interface RuleProblem {
  file: string
  line: number
  ruleId?: string
  message: string
}

export function formatProblem (p: RuleProblem): string {
  return `${p.file}:${p.line}${p.ruleId ? ` [${p.ruleId}]` : ''} ${p.message}`
}

export interface LoadResult {
  shops: Map<string, ShopRules>
  problems: RuleProblem[]
}

const YAML_FILE = /\.ya?ml$/i
export const DEFAULT_SHOP = 'default'

export async function loadRulesDir (dir: string): Promise<LoadResult> {
  const problems: RuleProblem[] = []
  const shops = new Map<string, ShopRules>()
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (err) {
    problems.push({ file: dir, line: 0, message: `cannot read the rules directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` })
    return { shops, problems }
  }
  const rootFiles = entries.filter((e) => e.isFile() && YAML_FILE.test(e.name)).map((e) => join(dir, e.name)).sort()
  if (rootFiles.length > 0) shops.set(DEFAULT_SHOP, await loadShop(DEFAULT_SHOP, rootFiles, dir, problems))
  for (const sub of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const subDir = join(dir, sub.name)
    const files = (await readdir(subDir)).filter((n) => YAML_FILE.test(n)).map((n) => join(subDir, n)).sort()
    const fileStats = await Promise.all(files.map((f) => stat(f)))
    const yamlFiles = files.filter((_, i) => fileStats[i]!.isFile())
    if (yamlFiles.length === 0) continue
    if (sub.name === DEFAULT_SHOP && shops.has(DEFAULT_SHOP)) {
      problems.push({ file: relative(process.cwd(), subDir), line: 0, message: 'shop "default" is defined both by top-level files and by a "default" folder' })
      continue
    }
    shops.set(sub.name, await loadShop(sub.name, yamlFiles, dir, problems))
  }
  if (shops.size === 0 && problems.length === 0) {
    problems.push({ file: dir, line: 0, message: 'no *.yaml rule files found' })
  }
  return { shops, problems }
}

async function loadShop (shopId: string, files: string[], root: string, problems: RuleProblem[]): Promise<ShopRules> {
  const shop: ShopRules = {
    shopId,
    rules: [],
    sizeCharts: [],
    catalogs: [],
    welcome: welcomeSchema.parse({ first: '您好，请问有什么可以帮您？', returning: '亲，欢迎回来~有什么可以帮您？' }),
    handoff: handoffSchema.parse({}),
    files: []
  }
  const ids = new Map<string, string>()
  const singletons = new Map<string, string>()
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file
    shop.files.push(shown)
    const text = await readFile(file, 'utf8')
    const parsed = parseRuleFile(text, shown, problems)
    if (!parsed) continue
    const { data, lineOf } = parsed
    const sections = [
      ['rules', data.rules, shop.rules],
      ['size_charts', data.size_charts, shop.sizeCharts],
      ['catalogs', data.catalogs, shop.catalogs]
    ] as const
    for (const [section, list, into] of sections) {
      list.forEach((entry, i) => {
        const line = lineOf([section, i])
        const seen = ids.get(entry.id)
        if (seen) {
          problems.push({ file: shown, line, ruleId: entry.id, message: `id "${entry.id}" is already used at ${seen}; ids must be unique in a shop` })
          return
        }
        ids.set(entry.id, `${shown}:${line}`)
        ;(into as unknown[]).push({ ...entry, file: shown, line })
      })
    }
    for (const key of ['welcome', 'handoff', 'hours'] as const) {
      if (data[key] === undefined) continue
      const seen = singletons.get(key)
      if (seen) {
        problems.push({ file: shown, line: lineOf([key]), message: `"${key}" is already set at ${seen}; set it in one file only` })
        continue
      }
      singletons.set(key, `${shown}:${lineOf([key])}`)
      ;(shop as unknown as Record<string, unknown>)[key] = data[key]
    }
  }
  void root
  return shop
}

/** Parses and validates one file's text; exported for tests and the editor-facing CLI. */
export function parseRuleFile (text: string, file: string, problems: RuleProblem[]): { data: RuleFile; lineOf: (path: Array<string | number>) => number } | undefined {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true })
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push({ file, line: e.linePos?.[0]?.line ?? 1, message: `YAML syntax: ${e.message.split('\n')[0]}` })
    }
    return undefined
  }
  const lineOf = (path: Array<string | number>): number => nodeLine(doc, path, lines)
  const raw = doc.toJS() ?? {}
  const result = ruleFileSchema.safeParse(raw)
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(issueToProblem(issue, raw, file, lineOf))
    return undefined
  }
  return { data: result.data, lineOf }
}

function nodeLine (doc: Document, path: Array<string | number>, lines: LineCounter): number {
  // Walk down as far as the path exists: a missing field is reported at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
    if (node && typeof node === 'object' && 'range' in node && Array.isArray((node as { range?: number[] }).range)) {
      const offset = (node as { range: number[] }).range[0]!
      // a map or sequence node starts at its first child; that is the line an operator expects
      if (isMap(node) || isSeq(node) || n > 0) return lines.linePos(offset).line
    }
  }
  return 1
}

function issueToProblem (issue: z.core.$ZodIssue, raw: unknown, file: string, lineOf: (p: Array<string | number>) => number): RuleProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
  let ruleId: string | undefined
  if (path.length >= 2 && typeof path[1] === 'number') {
    const entry = (raw as Record<string, unknown[]>)[path[0] as string]?.[path[1]] as { id?: unknown } | undefined
    if (entry && typeof entry.id === 'string') ruleId = entry.id
  }
  let message = issue.message
  if (issue.code === 'unrecognized_keys') message = `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see README "Rule files")`
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is required'
  const where = path.join('.') || '(file)'
  return { file, line: lineOf(path), ruleId, message: `${where}: ${message}` }
}
