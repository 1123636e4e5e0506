/**
 * The bot's decision for one buyer message: reply, hand off, or stay silent — and why. Pure: the
 * conversation state and the clock come in, a decision comes out; the service layer stores it.
 */
import type { Action, ConversationState, HandoffReason, PendingAsk, Priority } from './types.js'
import { analyse, type Analysis, type Candidate, type Method } from '../matching/match.js'
import { normalise } from '../matching/normalise.js'
import type { Catalog, Rule, SizeChart } from '../rules/schema.js'
import { answerCatalog, answerRule, answerSize, pickRandom, type Answer, type Pick } from './answer.js'
import type { ShopEngine } from './engine.js'
import { isOpen } from './hours.js'
import { correctTypos } from '../matching/typos.js'
import { unmask } from '../matching/masked.js'
import { readClauses, clauseAt, OWN_ACTS, type Clause, type Reading } from '../matching/reading.js'

export const MAX_ANSWERS = 3

export interface IncomingMessage {
  type: string
  text?: string
}

export interface MatchedInfo {
  ruleId: string
  intent: string
  keywords: string[]
  method: Method
  score?: number
  outcome?: string
}

export interface Decision {
  action: Action
  /** reply texts; handoff texts may hold {position} / {agents}, filled once the ticket exists */
  replies: string[]
  matched: MatchedInfo[]
  handoff?: { reason: HandoffReason; priority: Priority; offlineReply?: string }
  /** undefined: keep; null: clear; object: remember the question asked */
  pending?: PendingAsk | null
  /** count in the unanswered-question analytics */
  unmatched?: boolean
  /** for explanations (operator tooling) */
  analysis?: Analysis
  /** what the buyer is doing, clause by clause */
  reading?: Reading
  firstContact: boolean
}

export interface DecideOptions {
  now: number
  pick?: Pick
}

/** What every step of one decision reads: the shop, the clock, the conversation and the chooser of variants. */
interface Context {
  engine: ShopEngine
  now: number
  pick: Pick
  state: ConversationState
  firstContact: boolean
  /** seen before, but not within the welcome's session gap */
  returning: boolean
}

export function decide (engine: ShopEngine, msg: IncomingMessage, state: ConversationState, opts: DecideOptions): Decision {
  const pick = opts.pick ?? pickRandom
  const { rules } = engine
  const now = opts.now
  const firstContact = state.lastSeenAt === undefined
  const returning = !firstContact && now - state.lastSeenAt! >= rules.welcome.session_gap
  const ctx: Context = { engine, now, pick, state, firstContact, returning }

  // While an agent holds the conversation the bot says nothing; the message goes to the agent.
  if (state.ticket?.status === 'claimed') return { firstContact, action: 'silent', replies: [], matched: [] }

  if (msg.type === 'enter') {
    if (firstContact) return { firstContact, action: 'reply', replies: [pick(rules.welcome.first)], matched: [] }
    if (returning) return { firstContact, action: 'reply', replies: [pick(rules.welcome.returning)], matched: [] }
    return { firstContact, action: 'silent', replies: [], matched: [] }
  }

  const text = msg.text ?? ''
  if (msg.type !== 'text' && text.trim() === '') {
    // images, product and order cards: a human has to look at them
    return handoff(ctx, 'unmatched', 'normal', pick(rules.handoff.unsupported_reply ?? rules.handoff.reply), [], true)
  }

  const { text: unmasked, orderCard } = unmask(text)
  const norm = normalise(unmasked)
  const analysis = analyseWithTypos(engine, norm)

  if (analysis.escalate.length > 0) {
    // A complaint outranks every rule: never a canned policy answer to an angry buyer.
    const matched = [{ ruleId: 'handoff.escalate', intent: 'complaint', keywords: analysis.escalate, method: 'keyword' as const }]
    return explained(handoff(ctx, 'complaint', 'urgent', pick(rules.handoff.escalate.reply), matched, false), analysis)
  }
  if (analysis.human.length > 0) {
    const matched = [{ ruleId: 'handoff.human', intent: 'human_request', keywords: analysis.human, method: 'keyword' as const }]
    return explained(handoff(ctx, 'human_request', 'normal', pick(rules.handoff.human_reply ?? rules.handoff.reply), matched, false), analysis)
  }

  // Which clause asks what: a policy keyword in the buyer's own case is not a policy question.
  const key = analysis.correctedKey ?? norm.key
  const sameClauses = key.length === norm.key.length
  const reading = readClauses({ key, breaks: sameClauses ? norm.breaks : [], asked: sameClauses ? norm.asked : [], markers: analysis.markers, orderCard, requestActs: engine.compiled.requestActs })
  const gated = gate(analysis, reading, key)
  if (gated.own) return explained(ownCase(ctx, analysis, gated.policy), analysis, reading)

  const chosen = choose(engine, analysis, gated.answer, state, now, key, analysis.candidates.length === 0 && guessable(reading))
  if (chosen.length === 0) {
    return explained(handoff(ctx, 'unmatched', 'normal', pick(rules.handoff.reply), [], true), analysis, reading)
  }
  // "在吗 我的快递到哪了": the greeting is not the question; "有现货吗 包邮吗": the free-shipping answer alone
  // would leave the stock question unasked. A person answers; a new buyer is still welcomed.
  reading.aside = askedAside(reading, gated.answer)
  if (reading.aside || (chosen.every(isWelcomeGreeting) && asksMore(key, chosen))) {
    const welcome = firstContact && chosen.some(isWelcomeGreeting) ? [pick(rules.welcome.first)] : []
    return explained(handoff(ctx, 'unmatched', 'normal', pick(rules.handoff.reply), [], true, welcome), analysis, reading)
  }
  return explained(answer(ctx, analysis, chosen), analysis, reading)
}

/** A question clause of a topic no rule answers (`side_question` markers: 现货, 发票) with no answer of its own. */
function askedAside (reading: Reading, answers: Candidate[]): Clause | undefined {
  for (const clause of reading.clauses) {
    if (clause.side === undefined || clause.act !== 'question') continue
    if (!answers.some((c) => c.spans.some(([b, e]) => b < clause.end && e > clause.begin))) return clause
  }
  return undefined
}

/** The decision with what the matcher read, for explanations and the eval. */
function explained (d: Decision, analysis: Analysis, reading?: Reading): Decision {
  d.analysis = analysis
  if (reading) d.reading = reading
  return d
}

/**
 * The buyer writes about their own order or refund: a person looks at it. The rules that fired may
 * say the general rule meanwhile (`case_reply`); the bot does not pretend it answered.
 */
function ownCase (ctx: Context, analysis: Analysis, policy: Candidate[]): Decision {
  const { rules } = ctx.engine
  const greeted = ctx.firstContact && analysis.candidates.some(isWelcomeGreeting)
  const welcome = greeted ? [ctx.pick(rules.welcome.first)] : []
  if (policy.length === 0) return handoff(ctx, 'unmatched', 'normal', ctx.pick(rules.handoff.reply), [], true, welcome)
  const info: string[] = []
  const matched: MatchedInfo[] = []
  for (const c of bestPerIntent(policy).slice(0, MAX_ANSWERS)) {
    const caseReply = c.entry.source.case_reply
    if (caseReply !== undefined && info.length < 2) info.push(ctx.pick(caseReply))
    matched.push({ ruleId: c.entry.id, intent: c.entry.intent, keywords: c.keywords, method: c.method, outcome: caseReply !== undefined ? 'policy_info' : 'own_case' })
  }
  return handoff(ctx, 'own_case', 'normal', ctx.pick(rules.handoff.reply), matched, false, welcome.concat(info))
}

/**
 * The answer loop: each chosen rule, size chart or catalog turned into its replies, in the order the
 * buyer asked. A size answer clears the question the bot asked; anything else leaves it pending. An
 * answer that hands off (a size out of range, a rule with `handoff: true`) makes the whole message a
 * handoff, whose replies are the answers: they already tell the buyer a person takes over.
 */
function answer (ctx: Context, analysis: Analysis, chosen: Chosen[]): Decision {
  const replies: string[] = []
  const matched: MatchedInfo[] = []
  let pending: PendingAsk | null | undefined
  let wantsHandoff = false
  for (const c of chosen) {
    const answers = answerFor(ctx, c, analysis, chosen.length)
    if (answers.length === 0) continue
    for (const a of answers) {
      replies.push(a.text)
      if (a.pending !== undefined) pending = a.pending
      if (a.handoff) wantsHandoff = true
    }
    matched.push({ ruleId: c.entry.id, intent: c.entry.intent, keywords: c.keywords, method: c.method, score: c.score, outcome: answers[0]!.outcome })
  }
  if (wantsHandoff) {
    const h = handoff(ctx, 'unmatched', 'normal', '', matched, false, replies)
    // no separate holding text, and so no offline wording for it either
    h.handoff!.offlineReply = undefined
    h.pending = pending ?? undefined
    return h
  }
  return { firstContact: ctx.firstContact, action: 'reply', replies, matched, pending }
}

interface Gated {
  /** candidates asked in a general question or a bare fragment: they may answer */
  answer: Candidate[]
  /** candidates of rules that answer questions only, when the message is the buyer's own case */
  policy: Candidate[]
  own: boolean
}

/**
 * Sorts what fired by the clause it fired in. A `question` rule answers only in a clause that asks
 * how things work (or a bare fragment); its keyword in a report of the buyer's own case (已经退货了)
 * makes the whole message a case for a person, and in feedback (发货真快) or a clause about another
 * topic (冰箱什么颜色) it says nothing. One clause of the buyer's own case anywhere sends the message
 * to a person: "包邮吗 我的快递到哪了" is answered by whoever looks at the parcel.
 */
function gate (analysis: Analysis, reading: Reading, key: string): Gated {
  const answer: Candidate[] = []
  const policy: Candidate[] = []
  let own = reading.own !== undefined
  for (const c0 of analysis.candidates) {
    // a two-character keyword glued together across a clause break is no keyword the buyer wrote: "还在
    // 没洗过" holds no 在没 (a longer one, "码 怎么选", still reads as written)
    const spans = c0.spans.filter(([b, e]) => e - b > 2 || clauseAt(reading, b) === clauseAt(reading, e - 1))
    if (c0.spans.length > 0 && spans.length === 0) continue
    const c = spans.length === c0.spans.length ? c0 : { ...c0, spans }
    if (c.entry.answers === 'any') { answer.push(c); continue }
    // a size or a shade is of the product named: "空调几匹的 20平够吗" asks nothing of our size chart
    if (c.entry.kind !== 'rule' && reading.otherTopic !== undefined) continue
    let asks = c.spans.length === 0
    let mine = false
    for (const [begin, end] of c.spans) {
      const clause = clauseAt(reading, end - 1)
      if (!clause) { asks = true; continue }
      // a report of what happened (已经退货了) is the buyer's case for a policy text, and so is a bare
      // fragment inside such a story ("已经寄回去了 顺丰的"); for a size chart or a catalog it is the buyer
      // describing themselves ("上次M大了 158 92斤")
      const policyText = c.entry.kind === 'rule'
      // with an order card every policy keyword is about that order ("中午之前能发出去吗 [订单x]")
      if (OWN_ACTS.has(clause.act) || (policyText && (reading.card || clause.act === 'state' || (clause.act === 'plain' && reading.narrative)))) { mine = true; continue }
      // the keyword is itself what already happened: "已经发货了还能改吗" asks nothing of when we ship
      if (policyText && perfective(key, begin, end)) { mine = true; continue }
      if (clause.other !== undefined || clause.act === 'feedback') continue
      // a corrected typo is a guess: it answers a clause that plainly asks, or one that is little more than
      // the word ("退活?"), never a longer fragment ("给推荐一款呗" is no 给退)
      if (c.method === 'pinyin' && clause.act !== 'question' && clause.end - clause.begin > c.specificity + TYPO_FRAGMENT) continue
      asks = true
    }
    if (mine) own = true
    if (mine || asks) policy.push(c)
    if (asks && !mine) answer.push(c)
  }
  return { answer, policy, own }
}

const TYPO_FRAGMENT = 2

// 已经发货 · 已发货 · 发货了 (but not 发货了吗 / 发货了没, which chase and are read as such): the keyword
// names an event of the buyer's own order that has taken place
const DONE_BEFORE = /已经?(?:给我|帮我)?$/
const DONE_AFTER = /^了(?![吗么嘛没呢不])/
function perfective (key: string, begin: number, end: number): boolean {
  return DONE_AFTER.test(key.slice(end, end + 2)) || DONE_BEFORE.test(key.slice(Math.max(0, begin - 4), begin))
}

/** A guess (classifier, no keyword) only for a message that asks something and is nobody's own case. */
function guessable (reading: Reading): boolean {
  return reading.own === undefined && reading.otherTopic === undefined && reading.clauses.some((c) => c.act === 'question' || c.act === 'plain')
}

function bestPerIntent (candidates: Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>()
  for (const c of candidates) {
    const cur = best.get(c.entry.intent)
    if (!cur || better(c, cur)) best.set(c.entry.intent, c)
  }
  return [...best.values()].sort((a, b) => a.position - b.position)
}

/**
 * The message as written first; only when nothing at all fired, once more with homophone and Latin
 * typos corrected (退活 → 退货), so a typo never overrides what the buyer wrote correctly.
 */
function analyseWithTypos (engine: ShopEngine, norm: { key: string; canonical: string }): Analysis {
  const first = analyse(engine.compiled, norm)
  if (first.candidates.length > 0 || first.escalate.length > 0 || first.human.length > 0) return first
  // a `not` keyword spoke: correcting the text around it could only undo the operator's veto
  if (first.vetoed.length > 0 || engine.typos === 'off') return first
  const corrected = correctTypos(engine.compiled.typos, norm.key, engine.typos)
  if (corrected === undefined) return first
  const second = analyse(engine.compiled, { key: corrected, canonical: norm.canonical }, first.figures)
  if (second.candidates.length === 0 && second.escalate.length === 0 && second.human.length === 0) return first
  // `second` and its candidates are this call's own: marked in place rather than copied by spread
  second.key = norm.key
  second.correctedKey = corrected
  for (const c of second.candidates) c.method = 'pinyin'
  return second
}

interface Chosen extends Candidate { score?: number }

const isWelcomeGreeting = (c: Candidate): boolean => c.entry.kind === 'rule' && c.entry.intent === 'greeting' && (c.entry.source as Rule).reply === undefined

// Forms of address and particles around a greeting ("亲在吗呀", "老板你好") that ask nothing more.
const GREETING_FILLER = /[亲宝贝老板客服小姐姐美女帅哥您你好请问在吗嘛呢呀啊哈哦喔啦了的一下喂喽嗨有人木鸭哇伐]|ya/g
const MORE_THAN_A_GREETING = 3

/** True when, the greeting words and fillers taken out, the message still says something. */
function asksMore (key: string, chosen: Candidate[]): boolean {
  let rest = key
  for (const c of chosen) for (const k of c.keywords) rest = rest.split(k).join('')
  return rest.replace(GREETING_FILLER, '').replace(/\s+/g, '').length >= MORE_THAN_A_GREETING
}

/** One answer per intent, the most specific rule of each, in the order the buyer asked. */
function choose (engine: ShopEngine, analysis: Analysis, candidates: Candidate[], state: ConversationState, now: number, key: string, mayGuess: boolean): Chosen[] {
  const best = new Map<string, Chosen>()
  // The bot asked for height and weight; a reply carrying figures answers it without keywords.
  const pending = state.pending && state.pending.until > now ? state.pending : undefined
  const answersPending = pending !== undefined && (analysis.figures.heightCm !== undefined || analysis.figures.weightJin !== undefined)
  for (const c of candidates) {
    // figures in answer to the size question are not item codes ("165" is no shade)
    if (answersPending && c.method === 'catalog') continue
    // figures alone fire every size chart; the conversation knows which chart asked for them
    if (answersPending && c.method === 'figures') continue
    const current = best.get(c.entry.intent)
    if (!current || better(c, current)) best.set(c.entry.intent, c)
  }
  if (answersPending && !best.has(sizeIntent(engine, pending.ruleId))) {
    const entry = engine.compiled.entries.find((e) => e.id === pending.ruleId && e.kind === 'size')
    if (entry) best.set(entry.intent, { entry, keywords: [], spans: [], position: 0, specificity: 0, method: 'context' })
  }
  // An operator's `not` keyword in the message marks it as not a policy question (the buyer's own
  // refund, parcel, order): no guess may answer it either.
  if (best.size === 0 && analysis.vetoed.length === 0 && mayGuess) {
    for (const f of engine.fallbacks) {
      const hit = f.classify(key)
      if (!hit) continue
      const entry = engine.compiled.entries[hit.entryIndex]!
      // the operator said this rule must not answer messages with that word in them
      if (analysis.notHit.has(entry.index)) continue
      // a classifier never names a catalog item it did not read; a size chart reads the figures itself
      if (entry.kind === 'catalog') continue
      best.set(entry.intent, { entry, keywords: [], spans: [], position: 0, specificity: 0, method: hit.method, score: hit.score })
      break
    }
  }
  let chosen = [...best.values()].sort((a, b) => a.position - b.position)
  // A greeting alone is answered; beside a real question it only adds the welcome.
  if (chosen.length > MAX_ANSWERS) chosen = chosen.slice(0, MAX_ANSWERS)
  return chosen
}

function sizeIntent (engine: ShopEngine, ruleId: string): string {
  return engine.compiled.entries.find((e) => e.id === ruleId)?.intent ?? 'size'
}

function better (a: Candidate, b: Candidate): boolean {
  if (a.specificity !== b.specificity) return a.specificity > b.specificity
  if (a.entry.allGroups !== b.entry.allGroups) return a.entry.allGroups > b.entry.allGroups
  if (a.entry.priority !== b.entry.priority) return a.entry.priority > b.entry.priority
  if (a.keywords.length !== b.keywords.length) return a.keywords.length > b.keywords.length
  return a.entry.index < b.entry.index
}

function answerFor (ctx: Context, c: Chosen, analysis: Analysis, answersInMessage: number): Answer[] {
  const { pick, state, now } = ctx
  const { welcome } = ctx.engine.rules
  const src = c.entry.source
  if (c.entry.kind === 'rule' && c.entry.intent === 'greeting' && (src as Rule).reply === undefined) {
    if (ctx.firstContact) return [{ text: pick(welcome.first), outcome: 'first' }]
    if (ctx.returning) return [{ text: pick(welcome.returning), outcome: 'returning' }]
    // mid-conversation "在吗" beside a question adds nothing; alone it deserves an answer
    return answersInMessage > 1 ? [] : [{ text: pick(welcome.again), outcome: 'again' }]
  }
  switch (c.entry.kind) {
    case 'rule': return [answerRule(src as Rule, pick)]
    case 'size': return [answerSize(src as SizeChart, analysis.figures, now, state.pending)]
    case 'catalog': return answerCatalog(src as Catalog, c.catalog!)
  }
}

/**
 * A handoff: `before` (a welcome, case replies, answers) then the holding reply, or out of hours the
 * closed reply alone. A complaint keeps its reason and urgency out of hours; everything else waits
 * for the morning as `closed_hours`. Every variant goes through the injected `pick`, so explain and
 * check give the same text every time.
 */
function handoff (
  ctx: Context, reason: HandoffReason, priority: Priority, reply: string, matched: MatchedInfo[], unmatched: boolean, before: string[] = []
): Decision {
  const { handoff: settings, hours } = ctx.engine.rules
  const replies = before.slice()
  if (!isOpen(ctx.engine.hours, ctx.now) && hours) {
    // one reply, never the escalate reply ("a supervisor now") beside the closed one ("nobody is here")
    replies.push(ctx.pick(reason === 'complaint' && hours.closed_complaint_reply ? hours.closed_complaint_reply : hours.closed_reply))
    return { firstContact: ctx.firstContact, action: 'handoff', replies, matched, unmatched, handoff: { reason: reason === 'complaint' ? reason : 'closed_hours', priority } }
  }
  if (reply !== '') replies.push(reply)
  const offlineReply = settings.offline_reply ? ctx.pick(settings.offline_reply) : undefined
  return { firstContact: ctx.firstContact, action: 'handoff', replies, matched, unmatched, handoff: { reason, priority, offlineReply } }
}
