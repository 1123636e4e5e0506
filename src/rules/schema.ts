/**
 * The operator contract: what a rule file may hold. One zod schema is the validator, the source of
 * the JSON Schema editors use (schema/rules.schema.json) and the TypeScript types of the loader.
 * Every field is documented in README.md ("Rule files").
 */
import { z } from 'zod'
import { RE2JS } from 're2js'
import { MARKER_KINDS } from '../matching/markers.js'
import { memo } from '../matching/shared.js'
import { channelsSchema, type ChannelSettings } from '../channels/settings.js'

const nonEmpty = z.string().trim().min(1, 'must not be empty')
const keywordList = z.array(z.union([nonEmpty, z.number().transform(String)])).default([])
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, - _ . only (e.g. return-policy)')
const intent = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and _ (e.g. return_policy)')
const replyText = z.union([nonEmpty, z.array(nonEmpty).min(1)])
const examples = z.array(z.union([nonEmpty, z.number().transform(String)])).default([])

/** verdicts kept per pattern and per time zone (operators' edits add new ones over a process's life) */
const CHECKED_MAX = 10_000

/**
 * RE2 syntax only, checked when the file loads so a bad pattern never reaches the hot path. The
 * verdict is kept per pattern: 1,000 shops hold mostly the same patterns, each compiled once to check.
 */
const re2Pattern = z.string().min(1).superRefine((p, ctx) => {
  const error = re2Error(p)
  if (error !== null) ctx.addIssue({ code: 'custom', message: `not a valid RE2 pattern (no lookaround or backreferences): ${error}` })
})
/** the compiler's message, null for a valid pattern (memo: null is a result, undefined is not) */
const re2Error = memo((p: string): string | null => {
  try {
    RE2JS.compile(p)
    return null
  } catch (err) {
    return (err as Error).message
  }
}, CHECKED_MAX)

const range = z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, 'range must be [low, high] with low <= high')

/** "12h", "30m", "45s", "2d" or a number of seconds. */
export const duration = z.union([
  z.number().positive().transform((s) => s * 1000),
  z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'use a duration like 30m, 12h or 2d').transform((s) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(s)!
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd']
    return Number(m[1]) * unit
  })
])

/** Fields every matchable entry (rule, size chart, catalog) shares. */
const matchable = {
  id,
  intent,
  keywords: keywordList,
  all: z.array(keywordList).default([]),
  /**
   * Keywords too general to answer alone ("颜色" in a shop that sells clothes and lipsticks): they
   * count only when the entry has another sign in the message — a keyword, a regex, an item, a tone
   * or the buyer's figures.
   */
  weak_keywords: keywordList,
  not: keywordList,
  regex: z.array(re2Pattern).default([]),
  priority: z.number().int().default(0),
  examples,
  not_examples: examples,
  /**
   * Which messages it answers: `question` — only a clause that asks how things work (or a bare
   * fragment like "运费险"), never the buyer's own case; `any` — wherever its keyword is, as before
   * the clause reading. Default: `question`, except greeting rules (`any`).
   */
  answers: z.enum(['question', 'any']).optional(),
  /** said while handing off when the keyword fired in the buyer's own case: the general rule as information */
  case_reply: replyText.optional()
}

export const ruleSchema = z.strictObject({
  ...matchable,
  reply: replyText.optional(),
  handoff: z.boolean().default(false)
}).refine((r) => r.keywords.length > 0 || r.regex.length > 0, { message: 'needs at least one keyword or regex', path: ['keywords'] })
  .refine((r) => r.reply !== undefined || r.intent === 'greeting' || r.handoff, { message: 'needs a reply (only greeting rules may omit it: they answer with `welcome`)', path: ['reply'] })

export const sizeRowSchema = z.strictObject({
  size: z.union([nonEmpty, z.number().transform(String)]),
  height_cm: range,
  weight_jin: range
})

export const sizeChartSchema = z.strictObject({
  ...matchable,
  rows: z.array(sizeRowSchema).min(1, 'a size chart needs at least one row'),
  reply: nonEmpty,
  between_reply: nonEmpty.optional(),
  out_of_range_reply: nonEmpty.default('亲，您的身高体重超出了我们的尺码表，已为您转接人工客服确认哦~'),
  ask: nonEmpty,
  /** minutes the bot remembers that it asked for figures */
  ask_ttl: duration.default(600_000)
})

export const catalogItemSchema = z.strictObject({
  name: z.union([nonEmpty, z.number().transform(String)]),
  aliases: keywordList,
  reply: nonEmpty,
  suits: keywordList
})

export const catalogSchema = z.strictObject({
  ...matchable,
  items: z.array(catalogItemSchema).min(1, 'a catalog needs at least one item'),
  list_reply: nonEmpty,
  unknown_reply: nonEmpty.optional(),
  suits_reply: nonEmpty.optional(),
  code_regex: re2Pattern.optional()
})

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'use "HH:MM-HH:MM", e.g. "09:00-21:00"')
const dayRange = z.string().regex(/^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?$/, 'use a day or a range like mon-fri')

export const welcomeSchema = z.strictObject({
  first: replyText,
  returning: replyText,
  /** a greeting again within the same session */
  again: replyText.default('在的呢亲，请问有什么可以帮您~'),
  session_gap: duration.default(12 * 3_600_000)
})

export const handoffSchema = z.strictObject({
  reply: replyText.default('已为您转接人工客服，前面还有{position}位，请稍候~'),
  offline_reply: replyText.optional(),
  human_keywords: keywordList,
  human_reply: replyText.optional(),
  unsupported_reply: replyText.optional(),
  escalate: z.strictObject({
    keywords: keywordList,
    reply: replyText.default('非常抱歉给您带来不好的体验，已为您优先转接主管处理~'),
    builtin_lexicon: z.boolean().default(true),
    not: keywordList
  }).default({ keywords: [], reply: '非常抱歉给您带来不好的体验，已为您优先转接主管处理~', builtin_lexicon: true, not: [] })
})

const knownZone = memo((tz: string): boolean => {
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true } catch { return false }
}, CHECKED_MAX)

export const hoursSchema = z.strictObject({
  timezone: z.string().refine(knownZone, 'unknown IANA time zone (e.g. Asia/Shanghai)').default('Asia/Shanghai'),
  open: z.record(dayRange, hhmm),
  closed_reply: replyText,
  // out of hours a complaint gets this one reply; without it, closed_reply alone: the escalate reply
  // promises a supervisor right now, which beside "we are closed" contradicts itself
  closed_complaint_reply: replyText.optional()
})

/**
 * Where agents' replies go for this shop (the signed outbound webhook). The secret is named by an
 * environment variable (`secret_env`), so rule files can be shared without it; `secret` works too.
 */
export const outboundWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  secret: z.string().min(8).optional(),
  secret_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, e.g. SHOP_A_WEBHOOK_SECRET').optional()
}).transform((w, ctx) => {
  if (w.secret_env === undefined) return { url: w.url, ...(w.secret ? { secret: w.secret } : {}) }
  const secret = process.env[w.secret_env]
  if (!secret) {
    ctx.addIssue({ code: 'custom', path: ['secret_env'], message: `environment variable ${w.secret_env} is not set` })
    return z.NEVER
  }
  return { url: w.url, secret }
})

/**
 * Extra words for the clause reading, per shop (src/matching/markers.ts holds the shipped lists and
 * what each kind means); `builtin: false` drops the shipped lists.
 */
export const readingSchema = z.strictObject({
  builtin: z.boolean().default(true),
  ...Object.fromEntries(MARKER_KINDS.map((k) => [k, keywordList])) as Record<typeof MARKER_KINDS[number], typeof keywordList>
})

/** What an agent's quick reply may fill in when it is sent (src/console/format.js does it). */
export const QUICK_REPLY_PLACEHOLDERS = ['buyer', 'agent', 'shop'] as const

/** A canned answer agents send in one click from the console (话术库); not used by the bot. */
export const quickReplySchema = z.strictObject({
  title: nonEmpty.max(20, 'keep the button title short (20 characters at most)'),
  text: nonEmpty.max(2000).superRefine((t, ctx) => {
    for (const m of t.matchAll(/\{([^{}]*)\}/g)) {
      if (!(QUICK_REPLY_PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {${m[1]}}: use ${QUICK_REPLY_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}` })
      }
    }
  })
})

/** One file: every section optional, so operators can split a shop over many files. */
export const ruleFileSchema = z.strictObject({
  rules: z.array(ruleSchema).default([]),
  size_charts: z.array(sizeChartSchema).default([]),
  catalogs: z.array(catalogSchema).default([]),
  quick_replies: z.array(quickReplySchema).default([]),
  welcome: welcomeSchema.optional(),
  handoff: handoffSchema.optional(),
  hours: hoursSchema.optional(),
  outbound_webhook: outboundWebhookSchema.optional(),
  reading: readingSchema.optional(),
  /** WeChat / WeCom accounts that deliver this shop's chats (README "Channels") */
  channels: channelsSchema.optional()
})

export type Rule = z.output<typeof ruleSchema>
export type SizeChart = z.output<typeof sizeChartSchema>
export type Catalog = z.output<typeof catalogSchema>
export type CatalogItem = z.output<typeof catalogItemSchema>
export type Welcome = z.output<typeof welcomeSchema>
export type HandoffSettings = z.output<typeof handoffSchema>
export type Hours = z.output<typeof hoursSchema>
export type ReadingSettings = z.output<typeof readingSchema>
export type QuickReply = z.output<typeof quickReplySchema>
export type RuleFile = z.output<typeof ruleFileSchema>

/** A shop's whole rule set, merged from its files, each entry remembering where it came from. */
export interface Located { file: string; line: number }
export interface ShopRules {
  shopId: string
  rules: Array<Rule & Located>
  sizeCharts: Array<SizeChart & Located>
  catalogs: Array<Catalog & Located>
  /** agents' canned answers, in file order */
  quickReplies: Array<QuickReply & Located>
  welcome: Welcome
  handoff: HandoffSettings
  /** where the shop-wide sections were set (absent: the defaults) */
  sectionAt?: Partial<Record<string, Located>>
  hours?: Hours
  outbound_webhook?: z.output<typeof outboundWebhookSchema>
  reading?: ReadingSettings
  channels?: ChannelSettings
  files: string[]
  /** what the shop was read from (file names and texts): a reload recompiles only shops whose digest changed */
  digest?: string
}
