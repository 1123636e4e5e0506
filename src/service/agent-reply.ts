/**
 * An agent's message to the buyer, end to end: recorded in the store (idempotent on clientMsgId,
 * claims a waiting ticket, counts as a heartbeat), then queued in the outbox under the message's
 * id. The two writes are separate, so the second is idempotent too: a request that failed between
 * them is retried by the desk (no 2xx came back) and completes the enqueue; a 2xx means both hold.
 */
import type { AgentMessage, Delivery, Store, Ticket } from '../store/types.js'
import type { Outbox } from '../outbox/types.js'
import type { EventBus } from '../events/bus.js'

export interface AgentReplyDeps {
  store: Store
  outbox: Outbox
  events?: EventBus
  /** the local sender, woken so the reply leaves at once */
  wake?: () => void
}

export interface AgentReplyInput { shopId: string; ticketId: string; agentId: string; text: string; clientMsgId: string }

export interface AgentReplyOutcome {
  duplicate: boolean
  claimed: boolean
  message: AgentMessage & { delivery: Delivery }
}

export async function sendAgentReply (deps: AgentReplyDeps, input: AgentReplyInput): Promise<AgentReplyOutcome> {
  const r = await deps.store.reply(input)
  const m = r.message
  await deps.outbox.enqueue({
    id: m.id, shopId: input.shopId, conversationId: m.conversationId, buyerId: m.buyerId, channel: m.channel,
    role: 'agent', text: m.text, sentAt: m.at, ticketId: m.ticketId, agentId: m.agentId
  })
  deps.wake?.()
  if (r.claimed && !r.duplicate) {
    deps.events?.emit({ type: 'ticket.claimed', shopId: input.shopId, ticketId: m.ticketId, conversationId: m.conversationId, agentId: m.agentId, at: m.at })
  }
  const delivery = r.duplicate ? await deliveryOf(deps, input.shopId, m.id) : { status: 'queued' as const, at: m.at, attempts: 0 }
  return { duplicate: r.duplicate, claimed: r.claimed, message: { ...m, delivery } }
}

async function deliveryOf (deps: AgentReplyDeps, shopId: string, id: string): Promise<Delivery> {
  const s = await deps.outbox.status(shopId, id)
  return s ? { status: s.status, at: s.at, attempts: s.attempts, ...(s.reason ? { reason: s.reason } : {}) } : { status: 'queued', at: Date.now(), attempts: 0 }
}

/** What the claiming agent sees of the conversation before this ticket: earlier tickets and the bot's chat. */
export async function previousChat (store: Store, ticket: Ticket, limit = 50) {
  const h = await store.getHistory(ticket.shopId, ticket.conversationId)
  if (!h) return []
  const firstOfThis = h.messages.findIndex((e) => e.ticketId === ticket.id)
  const before = firstOfThis === -1 ? h.messages.filter((e) => e.at < ticket.createdAt) : h.messages.slice(0, firstOfThis)
  return before.slice(-limit)
}
