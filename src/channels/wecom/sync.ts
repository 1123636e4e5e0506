/**
 * Pulls a 微信客服 account's new messages with kf/sync_msg after WeCom's callback says there are some.
 * The cursor is stored (Redis: durable and shared) after each page's messages are committed, so a
 * restart resumes where the last page ended: nothing skipped, and a page cut short by a crash is
 * read again with its messages answered from the idempotency record, never twice. One instance
 * syncs an account at a time (a lock); a callback meanwhile asks the holder for one more round.
 * Only the buyer's messages (origin 3) are decided; servicers' (5) and system events (4) are not.
 * @see https://developer.work.weixin.qq.com/document/path/94670
 */
import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Store } from '../../store/types.js'
import type { Outbox } from '../../outbox/types.js'
import type { ShopEngine } from '../../engine/engine.js'
import type { Metrics } from '../../plugins/metrics.js'
import { handleMessage, type BuyerMessage } from '../../service/handle-message.js'
import { TEXT_MAX } from '../../routes/schemas.js'
import type { TokenCache } from '../access-token.js'
import type { ChannelState } from '../state/types.js'
import type { WeComAccount } from '../settings.js'
import { recordOutcome } from '../../service/record-outcome.js'
import { syncMsg, wecomTokenSource, type KfMessage } from './api.js'
import { withToken } from './sender.js'
import { cursorKey, WECOM, wecomConversationId, wecomWindowKey, WECOM_WINDOW_MS } from './conversation.js'

export interface SyncDeps {
  state: ChannelState
  tokens: TokenCache
  apiBase: string
  store: Store
  outbox: Outbox
  metrics: Metrics
  log: FastifyBaseLogger
  engine: (shopId: string) => ShopEngine | undefined
  wake: () => void
}

const TYPES: Record<string, string> = { image: 'image', voice: 'voice', video: 'video', file: 'link', location: 'link', link: 'link', business_card: 'link', miniprogram: 'product', channels_shop_product: 'product', channels_shop_order: 'order' }
const LOCK_MS = 60_000

export async function syncKf (deps: SyncDeps, shopId: string, account: WeComAccount, openKfid: string, eventToken?: string): Promise<void> {
  const base = `sync:wecom:${account.corp_id}:${openKfid}`
  const me = randomUUID()
  if (!(await deps.state.setIfAbsent(`${base}:lock`, me, LOCK_MS))) {
    await deps.state.set(`${base}:again`, '1', LOCK_MS)
    return
  }
  const src = wecomTokenSource(deps.apiBase, account)
  try {
    do {
      await deps.state.del(`${base}:again`)
      for (let more = true; more;) {
        const cursor = await deps.state.get(cursorKey(account.corp_id, openKfid))
        const page = await withToken(deps.tokens, src, (t) => syncMsg(deps.apiBase, t, { ...(cursor ? { cursor } : {}), ...(eventToken ? { token: eventToken } : {}), open_kfid: openKfid, limit: 1000 }))
        for (const m of page.msg_list ?? []) await decideOne(deps, shopId, account, m)
        if (page.next_cursor) await deps.state.set(cursorKey(account.corp_id, openKfid), page.next_cursor)
        more = page.has_more === 1 && (page.msg_list?.length ?? 0) > 0
      }
    } while (await deps.state.get(`${base}:again`))
  } finally {
    await deps.state.deleteIfEquals(`${base}:lock`, me).catch(() => undefined)
  }
}

async function decideOne (deps: SyncDeps, shopId: string, account: WeComAccount, m: KfMessage): Promise<void> {
  if (m.origin !== 3) return
  if (account.open_kfids && !account.open_kfids.includes(m.open_kfid)) return
  const engine = deps.engine(shopId)
  if (!engine) return
  const msg: BuyerMessage = {
    messageId: `wecom:${account.corp_id}:${m.msgid}`,
    conversationId: wecomConversationId(account.corp_id, m.open_kfid, m.external_userid),
    buyerId: m.external_userid,
    shopId,
    type: m.msgtype === 'text' ? 'text' : TYPES[m.msgtype] ?? 'link',
    ...(m.msgtype === 'text' ? { text: String(m.text?.content ?? '').slice(0, TEXT_MAX) } : {}),
    sentAt: m.send_time * 1000
  }
  await deps.state.openWindow(wecomWindowKey(account.corp_id, m.open_kfid, m.external_userid), WECOM_WINDOW_MS)
  // a store outage throws here: the cursor stays before this page and the next callback reads it again
  const outcome = await handleMessage(engine, msg, { store: deps.store, log: deps.log }, WECOM)
  recordOutcome(deps.metrics, shopId, outcome)
  const res = outcome.response
  if (res.replies.length === 0) return
  await deps.outbox.enqueue({ id: `${msg.messageId}:bot`, shopId, conversationId: msg.conversationId, buyerId: msg.buyerId, channel: WECOM, role: 'bot', text: res.replies.map((r) => r.text).join('\n\n'), sentAt: Date.now() })
  deps.wake()
}
