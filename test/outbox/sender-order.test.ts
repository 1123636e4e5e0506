/**
 * The sender loop keeps one conversation's messages in order: taken in one batch, a buyer's answers
 * are sent one after the other (the first may be the slower send), other conversations' beside them.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { createEmbeddedOutbox, type OutboundMessage } from '../../src/outbox/index.js'
import { ChannelRegistry } from '../../src/outbox/channels.js'
import { startSender, type Sender } from '../../src/outbox/sender.js'
import { until } from '../helpers/until.js'

const senders: Sender[] = []
afterEach(async () => { await Promise.all(senders.splice(0).map((s) => s.stop())) })

let seq = 0
const message = (conversationId: string, text: string): OutboundMessage =>
  ({ id: `order-${++seq}`, shopId: 'default', conversationId, buyerId: `b-${conversationId}`, channel: 'slow', role: 'bot', text, sentAt: Date.now() })

describe('sender order', () => {
  it('sends a conversation\'s messages in order even when the first send is the slowest; other conversations do not wait', async () => {
    const outbox = createEmbeddedOutbox({})
    const arrived: string[] = []
    const channels = new ChannelRegistry()
    // the first answer of c1 takes longest: sent side by side, the second would arrive first
    const delay: Record<string, number> = { 'c1 first': 120, 'c1 second': 5, 'c2 only': 10 }
    channels.register('slow', {
      async send (m) {
        await new Promise((resolve) => setTimeout(resolve, delay[m.text] ?? 0))
        arrived.push(m.text)
        return { ok: true }
      }
    })
    for (const [c, t] of [['c1', 'c1 first'], ['c1', 'c1 second'], ['c2', 'c2 only']] as const) await outbox.enqueue(message(c, t))
    senders.push(startSender({
      outbox, channels, store: { async setDelivery () {} }, shops: () => ['default'], consumer: 'i1',
      log: { warn () {}, info () {} }, maxAttempts: 3, backoff: () => 10, sendTimeoutMs: 5_000, idleMs: 20
    }))
    await until(() => arrived.length === 3, 'three sends')
    expect(arrived).toEqual(['c2 only', 'c1 first', 'c1 second'])
    await outbox.close()
  })
})
