/**
 * Reads a rules directory into validated shop rule sets. Pure of Fastify and Redis: the server,
 * the watcher and the operator CLI all call it. Every problem is reported with file:line, the
 * rule id where there is one, and the reason — operators are not programmers.
 *
 * Layout: `*.yaml` files directly in the directory form the shop `default`; each subdirectory
 * holding `*.yaml` files is a shop named after the subdirectory.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, basename, isAbsolute, resolve } from 'node:path'
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document } from 'yaml'
import type { z } from 'zod'
import { ruleFileSchema, welcomeSchema, handoffSchema, type ShopRules, type RuleFile } from './schema.js'
import { contentOf, digestOf } from '../matching/shared.js'

export interface RuleProblem {
  file: string
  line: number
  ruleId?: string
  message: string
  /** set for the size limits (AR_RULES_LIMIT_*), so operators can search it in the README */
  code?: string
}

/**
 * Size limits of a rule set: each bounds what one reload can cost (a 50 MB file stalled the event
 * loop for minutes, a 100k-keyword rule for seconds) and every match's idempotency record (a reply
 * is stored with each answer). Defaults in README "Configuration"; RULES_MAX_* change them.
 */
export interface RuleLimits {
  fileBytes: number
  entriesPerShop: number
  keywordsPerRule: number
  replyChars: number
}

export const DEFAULT_LIMITS: RuleLimits = { fileBytes: 1024 * 1024, entriesPerShop: 2000, keywordsPerRule: 500, replyChars: 2000 }

export function formatProblem (p: RuleProblem): string {
  // line 0: the problem is the file or folder as a whole, and "folder:0" would send an operator looking for a line
  return `${p.file}${p.line > 0 ? `:${p.line}` : ''}${p.ruleId ? ` [${p.ruleId}]` : ''} ${p.code ? `${p.code}: ` : ''}${p.message}`
}

export interface LoadResult {
  shops: Map<string, ShopRules>
  problems: RuleProblem[]
}

const YAML_FILE = /\.ya?ml$/i
export const DEFAULT_SHOP = 'default'

/** Shop ids travel in webhooks and Redis keys (`ar:{shop}:…`): the same characters the webhook's shopId accepts. */
export const SHOP_ID = /^[A-Za-z0-9_.-]{1,64}$/

/**
 * Never throws: a directory that cannot be read, a file that vanished mid-save or a broken link is
 * a problem like any other, so a reload triggered by the watcher or SIGHUP is rejected and the
 * previous rules keep serving instead of the process dying on an unhandled rejection.
 */
export async function loadRulesDir (dir: string, limits: RuleLimits = DEFAULT_LIMITS, only?: ReadonlySet<string>): Promise<LoadResult> {
  const problems: RuleProblem[] = []
  const shops = new Map<string, ShopRules>()
  const files = new ParsedFiles(parsedBefore)
  // `only`: just these shop folders (the ones a save touched); the top-level files are the shop
  // `default`, which a folder of that name contradicts, so asking for it reads everything
  const folders = only && !only.has(DEFAULT_SHOP) ? only : undefined
  try {
    await loadInto(dir, limits, shops, problems, files, folders)
  } finally {
    parsedBefore = files.used
  }
  return { shops, problems }
}

/**
 * Files parsed by the last load, by their text. Shops made from one template hold many identical
 * files, and a reload re-reads every file while one changed: a text parsed and validated before is
 * not parsed again (YAML and zod were ~20 ms of each copy of the demo shop). Kept one load long, so
 * old versions of edited files do not pile up. The parsed data is shared and never mutated.
 */
let parsedBefore = new Map<string, ParsedFile>()

interface ParsedFile { data: RuleFile; lines: Map<string, number> }

class ParsedFiles {
  readonly used = new Map<string, ParsedFile>()
  constructor (private readonly before: Map<string, ParsedFile>) {}

  parse (text: string, name: string, problems: RuleProblem[]): { data: RuleFile; lineOf: (path: Array<string | number>) => number } | undefined {
    const key = digestOf([text])
    let hit = this.used.get(key) ?? this.before.get(key)
    if (!hit) {
      const parsed = parseRuleFile(text, name, problems)
      if (!parsed) return undefined
      // the lines a shop needs (each entry's, each section's), so the YAML document can go
      const lines = new Map<string, number>()
      for (const section of ['rules', 'size_charts', 'catalogs', 'quick_replies'] as const) {
        parsed.data[section].forEach((_, i) => lines.set(`${section}\u0000${i}`, parsed.lineOf([section, i])))
      }
      for (const key of SINGLETONS) if (parsed.data[key] !== undefined) lines.set(key, parsed.lineOf([key]))
      hit = { data: parsed.data, lines }
    }
    this.used.set(key, hit)
    const { data, lines } = hit
    return { data, lineOf: (path) => lines.get(path.join('\u0000')) ?? 1 }
  }
}

const SINGLETONS = ['welcome', 'handoff', 'hours', 'outbound_webhook', 'reading', 'channels'] as const

async function loadInto (dir: string, limits: RuleLimits, shops: Map<string, ShopRules>, problems: RuleProblem[], parsed: ParsedFiles, only?: ReadonlySet<string>): Promise<void> {
  const top = await listDir(dir, problems, only)
  if (top.error) {
    problems.push({ file: shown(dir), line: 0, message: `cannot read the rules directory: ${top.error}` })
    return
  }
  if (top.files.length > 0) shops.set(DEFAULT_SHOP, await loadShop(DEFAULT_SHOP, top.files, problems, limits, parsed))
  // shop folders are read several at a time (one at a time, 1,000 shops waited ~4 s on the disk
  // alone) and taken in folder order, so problems come in the same order every time
  const folders = await inOrder(top.dirs, FOLDERS_AT_ONCE, async (subDir) => {
    const own: RuleProblem[] = []
    const inner = await listDir(subDir, own)
    const name = basename(subDir)
    // folders inside a shop folder are not read; a shop folder without rule files is not a shop
    const valid = !inner.error && inner.files.length > 0 && SHOP_ID.test(name) && !(name === DEFAULT_SHOP && shops.has(DEFAULT_SHOP))
    return { subDir, name, inner, own, shop: valid ? await loadShop(name, inner.files, own, limits, parsed) : undefined }
  })
  for (const { subDir, name, inner, own, shop } of folders) {
    problems.push(...own)
    if (inner.error) {
      problems.push({ file: shown(subDir), line: 0, message: `cannot read the shop folder: ${inner.error}` })
      continue
    }
    if (inner.files.length === 0) continue
    if (!SHOP_ID.test(name)) {
      problems.push({ file: shown(subDir), line: 0, message: `folder name "${name}" cannot be a shop id: the webhook's shopId allows letters, digits, _ . - only (at most 64); rename the folder, e.g. to "shop-1"` })
      continue
    }
    if (!shop) {
      problems.push({ file: shown(subDir), line: 0, message: 'shop "default" is defined both by the top-level *.yaml files and by the "default" folder; move the top-level files into the folder (or the other way round)' })
      continue
    }
    shops.set(name, shop)
  }
  if (shops.size === 0 && problems.length === 0 && !only) {
    problems.push({ file: shown(dir), line: 0, message: 'no *.yaml rule files found' })
  }
}

const FOLDERS_AT_ONCE = 16

/** `fn` over the items, at most `limit` at a time; the results in the items' order. */
async function inOrder<T, R> (items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run))
  return out
}

/**
 * The rule files and folders of one directory, sorted. Links are followed (a Kubernetes ConfigMap
 * mounts every file as a link); hidden entries are skipped: editors' lock files (`.#shop.yaml`,
 * a link to nowhere), macOS `._shop.yaml` resource forks and `..data` folders are not rules.
 */
async function listDir (dir: string, problems: RuleProblem[], only?: ReadonlySet<string>): Promise<{ files: string[]; dirs: string[]; error?: string }> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    return { files: [], dirs: [], error: errCode(err) }
  }
  const files: string[] = []
  const dirs: string[] = []
  const visible = names.filter((n) => !n.startsWith('.') && (!only || only.has(n))).sort()
  const stats = await Promise.all(visible.map((name) => stat(join(dir, name)).catch((err: unknown) => err as Error)))
  visible.forEach((name, i) => {
    const path = join(dir, name)
    const st = stats[i]!
    if (st instanceof Error) {
      // only a rule file that cannot be read matters; other odd entries are none of our business
      if (YAML_FILE.test(name)) problems.push({ file: shown(path), line: 0, message: `cannot read the file: ${errCode(st)} (a link to a missing file, or saved while the rules were loading)` })
    } else if (st.isDirectory()) dirs.push(path)
    else if (st.isFile() && YAML_FILE.test(name)) files.push(path)
  })
  return { files, dirs }
}

function errCode (err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message
}

/** Paths as the operator typed them: relative to where the command runs, unless that climbs out. */
function shown (path: string): string {
  const rel = relative(process.cwd(), path)
  return rel === '' ? path : rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel
}

async function loadShop (shopId: string, files: string[], problems: RuleProblem[], limits: RuleLimits, parsedFiles: ParsedFiles): Promise<ShopRules> {
  const shop: ShopRules = {
    shopId,
    rules: [],
    sizeCharts: [],
    catalogs: [],
    quickReplies: [],
    welcome: welcomeSchema.parse({ first: '您好，请问有什么可以帮您？', returning: '亲，欢迎回来~有什么可以帮您？' }),
    handoff: handoffSchema.parse({}),
    files: []
  }
  // where each id was first seen, and when that file was last saved
  const ids = new Map<string, { file: string; line: number; mtime: number }>()
  const singletons = new Map<string, string>()
  const read: string[] = []
  // the files are read at once, then taken in order (ids and singletons depend on it)
  const contents = await Promise.all(files.map((file) => readRuleFile(file, limits)))
  for (const [f, file] of files.entries()) {
    const name = shown(file)
    shop.files.push(name)
    const { text, mtime, problem } = contents[f]!
    if (problem) {
      problems.push({ file: name, line: 0, ...problem })
      continue
    }
    read.push(name, text!)
    const parsed = parsedFiles.parse(text!, name, problems)
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
          // blame the file saved last: that is the one the operator just edited, whichever sorts first
          const [blamed, other] = mtime >= seen.mtime ? [{ file: name, line }, seen] : [seen, { file: name, line }]
          problems.push({ file: blamed.file, line: blamed.line, ruleId: entry.id, message: `id "${entry.id}" is already used at ${other.file}:${other.line}; ids must be unique in a shop` })
          return
        }
        ids.set(entry.id, { file: name, line, mtime })
        const limit = entryLimitProblem(entry, limits)
        if (limit) problems.push({ file: name, line, ruleId: entry.id, ...limit })
        ;(into as unknown[]).push({ ...entry, file: name, line })
      })
    }
    data.quick_replies.forEach((q, i) => shop.quickReplies.push({ ...q, file: name, line: lineOf(['quick_replies', i]) }))
    for (const key of SINGLETONS) {
      if (data[key] === undefined) continue
      const seen = singletons.get(key)
      if (seen) {
        problems.push({ file: name, line: lineOf([key]), message: `"${key}" is already set at ${seen}; set it in one file only` })
        continue
      }
      singletons.set(key, `${name}:${lineOf([key])}`)
      ;(shop.sectionAt ??= {})[key] = { file: name, line: lineOf([key]) }
      ;(shop as unknown as Record<string, unknown>)[key] = data[key]
    }
  }
  shop.digest = digestOf(read)
  contentOf.set(shop, digestOf(read.filter((_, i) => i % 2 === 1)))
  const entries = shop.rules.length + shop.sizeCharts.length + shop.catalogs.length
  if (entries > limits.entriesPerShop) {
    problems.push({ file: shop.files[0] ?? shopId, line: 0, code: 'AR_RULES_LIMIT_RULES', message: `shop "${shopId}" has ${entries} rules, size charts and catalogs, over the limit of ${limits.entriesPerShop} (RULES_MAX_RULES)` })
  }
  return shop
}

async function readRuleFile (file: string, limits: RuleLimits): Promise<{ text?: string; mtime: number; problem?: Pick<RuleProblem, 'message' | 'code'> }> {
  let mtime = 0
  try {
    const st = await stat(file)
    mtime = st.mtimeMs
    if (st.size > limits.fileBytes) {
      return { mtime, problem: { code: 'AR_RULES_LIMIT_FILE_SIZE', message: `the file is ${st.size} bytes, over the limit of ${limits.fileBytes} (RULES_MAX_FILE_BYTES); split it into several files` } }
    }
    return { mtime, text: await readFile(file, 'utf8') }
  } catch (err) {
    return { mtime, problem: { message: `cannot read the file: ${errCode(err)} (saved while the rules were loading? the next save reloads)` } }
  }
}

/** Keywords of one entry (every list that feeds the automaton) and the length of its replies. */
function entryLimitProblem (entry: Record<string, unknown>, limits: RuleLimits): { code: string; message: string } | undefined {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
  let keywords = list(entry.keywords).length + list(entry.weak_keywords).length + list(entry.not).length + list(entry.all).reduce<number>((n, g) => n + list(g).length, 0)
  for (const item of list(entry.items)) keywords += 1 + list((item as Record<string, unknown>).aliases).length
  if (keywords > limits.keywordsPerRule) {
    return { code: 'AR_RULES_LIMIT_KEYWORDS', message: `${keywords} keywords (keywords, weak_keywords, not, all, item names and aliases), over the limit of ${limits.keywordsPerRule} (RULES_MAX_KEYWORDS); split the rule` }
  }
  const replies: unknown[] = []
  for (const field of ['reply', 'between_reply', 'out_of_range_reply', 'ask', 'list_reply', 'unknown_reply', 'suits_reply']) replies.push(...(Array.isArray(entry[field]) ? entry[field] as unknown[] : [entry[field]]))
  for (const item of list(entry.items)) replies.push((item as Record<string, unknown>).reply)
  const longest = Math.max(0, ...replies.map((r) => (typeof r === 'string' ? r.length : 0)))
  if (longest > limits.replyChars) {
    return { code: 'AR_RULES_LIMIT_REPLY', message: `a reply of ${longest} characters, over the limit of ${limits.replyChars} (RULES_MAX_REPLY_CHARS)` }
  }
  return undefined
}

/** Parses and validates one file's text; exported for tests and the editor-facing CLI. */
export function parseRuleFile (text: string, file: string, problems: RuleProblem[]): { data: RuleFile; lineOf: (path: Array<string | number>) => number } | undefined {
  const lines = new LineCounter()
  const doc = parseYaml(text, lines)
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push({ file, line: e.linePos?.[0]?.line ?? 1, message: `YAML syntax: ${e.message.split('\n')[0]}` })
    }
    return undefined
  }
  const lineOf = (path: Array<string | number>): number => nodeLine(doc, path, lines)
  const keyLineOf = (path: Array<string | number>, key: string): number => keyLine(doc, path, key, lines) ?? lineOf(path)
  const raw = doc.toJS() ?? {}
  const result = ruleFileSchema.safeParse(raw)
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(issueToProblem(issue, raw, file, lineOf, keyLineOf))
    return undefined
  }
  return { data: result.data, lineOf }
}

/**
 * The yaml package's parser reads `process.env.LOG_TOKENS` for every token it lexes (a debugging
 * switch), and a read of process.env goes to the C++ environment each time: ~20% of parsing a rule
 * file, ~1.3 ms of a demo shop, 1.3 s of 1,000 shops that share no file. For the length of the
 * synchronous parse (nothing else runs meanwhile) process.env is a plain empty object; it is put
 * back before anything else can run, also when the parser throws.
 */
function parseYaml (text: string, lineCounter: LineCounter): Document.Parsed {
  const env = process.env
  process.env = NO_ENV
  try {
    return parseDocument(text, { lineCounter, uniqueKeys: true })
  } finally {
    process.env = env
  }
}
const NO_ENV: NodeJS.ProcessEnv = Object.freeze({})

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

/** The line of a key itself: a misspelt field is on its own line, often far below the rule's `- id:`. */
function keyLine (doc: Document, path: Array<string | number>, key: string, lines: LineCounter): number | undefined {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true)
  if (!isMap(parent)) return undefined
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key)
  const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined
  return offset === undefined ? undefined : lines.linePos(offset).line
}

function issueToProblem (
  issue: z.core.$ZodIssue, raw: unknown, file: string,
  lineOf: (p: Array<string | number>) => number, keyLineOf: (p: Array<string | number>, key: string) => number
): RuleProblem {
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
  const line = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? keyLineOf(path, issue.keys[0]) : lineOf(path)
  return { file, line, ruleId, message: `${where}: ${message}` }
}
