/**
 * What the buyer is doing, clause by clause, before any policy rule answers: asking how things work,
 * reporting or chasing their own order or refund, asking the shop to act, disputing, giving feedback.
 * Pure: the clause breaks come from normalisation (`segment`), the markers from the shop's automaton
 * (the same pass that finds the keywords), so reading a message costs one walk over its hits.
 *
 * The acts, strongest first — the first that applies to a clause is its act:
 * - `feedback`  first of all when it speaks of next time (下次发货检查一下): nothing in it is about this order
 * - `dispute`   the buyer disagrees with what happened (只退了一半, 拒收, 说我人为损坏)
 * - `anomaly`   the case is not going as it should, or the buyer is waiting (还没, 怎么还, 都三天了, 坏了)
 * - `request`   asks the shop to act on the case (帮我 + 改, 麻烦 + 发, 尽快发, 催一下)
 * - `chase`     asks the state of one thing (到哪了, 退了吗, 发货没, 什么时候到账)
 * - `own_timing` a "when" question about something that already happened or that the buyer names
 *               (已经寄回去了，多久退 · 我的快递什么时候到) — unless it asks the general rule (一般几天到) —
 *               or any question but "whether" about the order it names (我的包裹是顺丰还是中通发的)
 * - `question`  a general question: how, whether, how long, who pays (能不能, 怎么申请, 谁出运费, 多久)
 * - `feedback`  praise, thanks, instructions for next time (发货真快, 下次检查一下)
 * - `state`     a report that something happened (已经签收, 收到了, 小了)
 * A clause that imagines a case (万一, 如果, 怕) or tells of another shop (别家) is no dispute, anomaly,
 * request or state from that word on ("…的话" from a few characters before it: 尺码不对的话能换吗).
 * A same-day "when" (今天能送到吗, 下午能发吗) is about a parcel already on its way unless the message speaks
 * of buying (今天下单今天能发吗). Price talk anywhere (少点呗, 便宜点) puts every clause on another topic.
 * - `plain`     none of these: a fragment ("运费险") or figures ("165 110斤")
 * The first five are the buyer's own case: a person must look at it.
 */
import type { MarkerKind } from './markers.js'

export type Act = 'dispute' | 'anomaly' | 'request' | 'chase' | 'own_timing' | 'question' | 'feedback' | 'state' | 'plain'

/** Acts that make the message the buyer's own case. */
export const OWN_ACTS: ReadonlySet<Act> = new Set<Act>(['dispute', 'anomaly', 'request', 'chase', 'own_timing'])

export interface MarkerHit { kind: MarkerKind; keyword: string; begin: number; end: number }

export interface Clause {
  begin: number
  end: number
  act: Act
  /** the marker that decided the act */
  by?: string
  /** an other-topic marker in the clause (冰箱, 差价, 发票): a keyword here is about something else */
  other?: string
  /** a question marker of a topic the shop's rules do not answer (现货, 发票): asked beside an answered one,
   *  it sends the whole message to a person */
  side?: string
}

export interface Reading {
  clauses: Clause[]
  /** a clause reports what happened, or an order card came with it: the message tells the buyer's own story */
  narrative: boolean
  /** an other-topic marker anywhere: a size or a shade asked here is of that other product */
  otherTopic?: string
  /** the first clause read as the buyer's own case */
  own?: Clause
  /** an order card or a masked order token came with it: every policy keyword is about that order */
  card: boolean
  /** set by the decision: the question asked beside the answered ones that no rule answers (有现货吗) */
  aside?: Clause
}

// A lead word and its action word may have a little between them (麻烦尽快发, 赶紧给我发) but not a
// look or a question (帮我看看发什么快递 asks, it does not request).
const REQUEST_GAP = 2
const NOT_IN_GAP = /[看问推荐选挑说想]/
// A clause that ends in 了 reports a state (小了, 到了, 退了); 了吗 is a chase, found by its marker.
const ENDS_PERFECTIVE = /了[啊呀哦的吧啦哈嘛]?$/
const DONE = /[已了]/
// 了吗 / 了没 chase only at the end of a clause: "拆了没用过" reports, "发了没" asks
const CLAUSE_TAIL = /^[啊呀呢哦哈亲]*$/


const KEPT_INSIDE_IGNORE: ReadonlySet<MarkerKind> = new Set<MarkerKind>(['question', 'whether', 'generic', 'roughly', 'timing', 'feedback', 'connective', 'today', 'purchase'])
// A question word inside praise asks nothing: 可以 in 速度可以, 好 in 态度好.
const ASKING: ReadonlySet<MarkerKind> = new Set<MarkerKind>(['question', 'whether'])
// "尺码不对的话能换吗": 的话 closes a condition that began a few characters before it; what follows is imagined too.
const CONDITION_BACK = 5
// Waiting told in figures: 都等三天了, 等了一个星期, 都5天了 (the digits of a masked <num> are gone).
const WAITED = /(?:都|等了?|已经)(?:快|好|整整)?[0-9一二两三四五六七八九十几半]*(?:个)?(?:天|周|星期|礼拜|月|小时)了/
// Questions without a question word: 正不正, 包不包邮, 有没有 (A-not-A), 顺丰还是中通 (either-or; 还是没 is
// "still not"), 包邮不 (a closing 不 or 没).
const QUESTION_FORM = /(\p{Script=Han})[不没]\1|还是(?![没不])\p{Script=Han}|\p{Script=Han}[不否][啊呀呢哦]*$/u
// "发出来没有", "退没有": a verb, then 没有 / 没 closing the clause, asks whether it happened yet.
const ENDS_NOT_YET = /[发寄到退收处理好来回去出账][了]?(?:没有|没)[啊呀呢哦]*$/

export interface ReadInput {
  key: string
  breaks: readonly number[]
  /** breaks whose separator had a question mark */
  asked: readonly number[]
  markers: readonly MarkerHit[]
  /** the message carried an order card or a masked order token: it names the buyer's order */
  orderCard?: boolean
  /** action words that make a lead word (帮我, 麻烦, 尽快) a request when they follow it closely */
  requestActs?: readonly string[]
}

export function readClauses (input: ReadInput): Reading {
  const { key } = input
  // an ignore phrase (还不错, 退得了吗) vetoes the case-like markers inside it, not its question word or
  // its praise; a longer praise phrase vetoes the question words inside it. One pass each, and no
  // arrays at all for the usual message with neither.
  let ignore: MarkerHit[] | undefined
  let praise: MarkerHit[] | undefined
  for (const m of input.markers) {
    if (m.kind === 'ignore') (ignore ??= []).push(m)
    else if (m.kind === 'feedback') (praise ??= []).push(m)
  }
  const hits: MarkerHit[] = []
  for (const m of input.markers) {
    if (ignore && (m.kind === 'ignore' || (!KEPT_INSIDE_IGNORE.has(m.kind) && ignore.some((i) => i.begin <= m.begin && i.end >= m.end)))) continue
    if (praise && ASKING.has(m.kind) && praise.some((p) => p.begin <= m.begin && p.end >= m.end && p.end - p.begin > m.end - m.begin)) continue
    hits.push(m)
  }
  if (hits.length > 1) hits.sort((a, b) => a.begin - b.begin || b.end - a.end)
  const price = hits.find((h) => h.kind === 'price_talk')
  const purchased = hits.some((h) => h.kind === 'purchase')
  const acts = input.requestActs ?? []

  // clause boundaries: where a separator stood, and before each connective
  const cuts = new Set<number>(input.breaks)
  for (const h of hits) if (h.kind === 'connective' && h.begin > 0) cuts.add(h.begin)
  // a message of one clause (most of them) has no cut inside it: no sorting, no spread
  const bounds = cuts.size === 0 ? [0, key.length] : [0, ...[...cuts].filter((c) => c > 0 && c < key.length).sort((a, b) => a - b), key.length]
  const askedAt = new Set(input.asked)

  const clauses: Clause[] = []
  let reference = input.orderCard === true
  let stated = false
  let own: Clause | undefined
  // question clauses asking "when" of something not yet told to have happened (see the end)
  const timedAt: number[] = []
  let next = 0
  for (let i = 0; i + 1 < bounds.length; i++) {
    const begin = bounds[i]!
    const end = bounds[i + 1]!
    if (end <= begin) continue
    // a marker belongs to the clause it starts in, and never spans two clauses (hits are sorted)
    const inClause: MarkerHit[] = []
    while (next < hits.length && hits[next]!.begin < end) {
      const h = hits[next++]!
      if (h.begin >= begin && h.end <= end) inClause.push(h)
    }
    // "万一尺码不对能换吗" imagines a case, "之前别家等了一周" tells of another shop: neither is the buyer's
    // case, from the hypothetical word on (…的话 reaches back a few characters)
    const conditions = inClause.filter((h) => h.kind === 'hypothetical')
    const real = conditions.length === 0 ? inClause : inClause.filter((h) => !imaginedAt(conditions, h.begin))
    const text = key.slice(begin, end)
    const clause: Clause = { begin, end, act: 'plain' }
    const other = price ?? firstOf(inClause, 'other_topic')
    if (other) clause.other = other.keyword
    const side = firstOf(inClause, 'side_question')
    if (side) clause.side = side.keyword
    const named = firstOf(inClause, 'reference')
    const hasRef = reference || named !== undefined
    const imagined = conditions.length > 0
    const hasState = firstOf(real, 'state') !== undefined || (!imagined && ENDS_PERFECTIVE.test(text))

    // both patterns need a character most clauses lack: one scan for it spares the regex
    const waited = imagined || !text.includes('了') ? null : WAITED.exec(text)
    const decided = firstOf(real, 'dispute') ?? firstOf(real, 'anomaly') ?? (waited ? { kind: 'anomaly' as const, keyword: waited[0] } : undefined)
    const request = requestIn(key, real, acts, end)
    const chase = real.find((h) => h.kind === 'chase' && (!h.keyword.startsWith('了') || CLAUSE_TAIL.test(key.slice(h.end, end)))) ??
      (!imagined && text.includes('没') && ENDS_NOT_YET.test(text) ? { keyword: '没有' } : undefined)
    if (firstOf(inClause, 'future')) {
      clause.act = 'feedback'
      clause.by = firstOf(inClause, 'future')!.keyword
    } else if (decided) {
      clause.act = decided.kind as Act
      clause.by = decided.keyword
    } else if (request) {
      clause.act = 'request'
      clause.by = request
    } else if (chase) {
      clause.act = 'chase'
      clause.by = chase.keyword
    } else if (named && !firstOf(inClause, 'whether') && !firstOf(inClause, 'generic') && !firstOf(inClause, 'feedback')) {
      // "我的包裹是顺丰还是中通发的" asks about the one parcel it names
      clause.act = 'own_timing'
      clause.by = named.keyword
    } else if (firstOf(inClause, 'question') || askedAt.has(end) || QUESTION_FORM.test(text)) {
      // a same-day "when" with no word of buying: 今天能送到吗, 中午之前能发出去吗
      const sameDay = purchased || imagined ? undefined : firstOf(inClause, 'today')
      const timing = firstOf(inClause, 'timing') ?? sameDay
      // "已经寄回了 什么时候退" and "我的快递什么时候到" ask about one case; "一般几天到" asks the rule
      // "下单了大概多久能收到" asks the rule; "我的快递大概什么时候到" asks about the parcel it names
      if (timing && !firstOf(inClause, 'generic') && (hasRef || sameDay !== undefined || ((hasState || stated) && !firstOf(inClause, 'roughly')))) {
        clause.act = 'own_timing'
        clause.by = timing.keyword
      } else {
        // the story may come after the question: "新的什么时候发 旧的已经取走了"
        if (timing && !firstOf(inClause, 'generic') && !firstOf(inClause, 'roughly')) timedAt.push(clauses.length)
        clause.act = 'question'
        clause.by = firstOf(inClause, 'question')?.keyword ?? (askedAt.has(end) ? '?' : QUESTION_FORM.exec(text)![0])
      }
    } else if (firstOf(inClause, 'feedback')) {
      clause.act = 'feedback'
      clause.by = firstOf(inClause, 'feedback')!.keyword
    } else if (hasState) {
      clause.act = 'state'
      clause.by = firstOf(inClause, 'state')?.keyword ?? '了'
    }
    if (hasRef) reference = true
    if (hasState) stated = true
    clauses.push(clause)
    if (!own && OWN_ACTS.has(clause.act)) own = clause
  }
  if (stated) {
    for (const at of timedAt) {
      const c = clauses[at]!
      // told as done (已经取走了, 寄回去了), not as hearsay (说是十五天内)
      if (!clauses.slice(at + 1).some((later) => later.act === 'state' && DONE.test(later.by ?? ''))) continue
      c.act = 'own_timing'
      if (!own || own.begin > c.begin) own = c
    }
  }
  // an order card names the buyer's order: a bare fragment beside it ("[订单x] 退款进度") is about that order
  const reading: Reading = { clauses, narrative: stated || input.orderCard === true, card: input.orderCard === true }
  const other = clauses.find((c) => c.other !== undefined)
  if (other) reading.otherTopic = other.other
  // a product we do not size or colour, named anywhere: the size charts and the catalog leave the message
  else {
    const product = hits.find((h) => h.kind === 'other_product')
    if (product) reading.otherTopic = product.keyword
  }
  if (own) reading.own = own
  return reading
}

// module functions rather than closures made per clause: tsx (which runs the service) names every
// closure it creates with Object.defineProperty, and that cost 4% of a decision here
function imaginedAt (conditions: readonly MarkerHit[], at: number): boolean {
  return conditions.some((h) => at >= h.begin - (h.keyword === '的话' ? CONDITION_BACK : 0))
}

function firstOf (hits: readonly MarkerHit[], kind: MarkerKind): MarkerHit | undefined {
  for (const h of hits) if (h.kind === kind) return h
  return undefined
}

/** The request marker of a clause: a request phrase, or a lead word with an action word right after it. */
function requestIn (key: string, hits: readonly MarkerHit[], acts: readonly string[], end: number): string | undefined {
  const phrase = hits.find((h) => h.kind === 'request')
  if (phrase) return phrase.keyword
  for (const lead of hits) {
    if (lead.kind !== 'request_lead') continue
    for (let at = lead.end; at <= Math.min(lead.end + REQUEST_GAP, end - 1); at++) {
      if (NOT_IN_GAP.test(key.slice(lead.end, at))) break
      const act = acts.find((a) => key.startsWith(a, at) && at + a.length <= end)
      if (act) return `${lead.keyword}…${act}`
    }
  }
  return undefined
}

/** The clause a key offset falls in. */
export function clauseAt (reading: Reading, offset: number): Clause | undefined {
  for (const c of reading.clauses) if (offset >= c.begin && offset < c.end) return c
  return reading.clauses.at(-1)
}
