/**
 * The in-process event bus (`app.events`): what happened to tickets and outgoing messages on this
 * instance, for live views (the console) and the optional event webhooks. Events are emitted by the
 * instance that did the change; a desk on several instances subscribes to each, or uses the
 * webhooks. Listeners must not throw (an error is logged and dropped).
 *
 *   app.events.onEvent((e) => { if (e.type === 'ticket.created') ... })
 */
import { EventEmitter } from 'node:events'
import type { DeliveryStatus, HandoffReason, Priority } from '../store/types.js'

export type TicketEventType = 'ticket.created' | 'ticket.claimed' | 'ticket.resolved' | 'ticket.requeued'

export interface TicketEvent {
  type: TicketEventType
  shopId: string
  ticketId: string
  conversationId?: string
  agentId?: string
  priority?: Priority
  reason?: HandoffReason
  /** requeued: 'released' (the agent gave it back) or 'expired' (no heartbeat within CLAIM_TIMEOUT) */
  why?: string
  /** epoch ms */
  at: number
}

export interface DeliveryEvent {
  type: 'message.delivery'
  shopId: string
  messageId: string
  conversationId: string
  ticketId?: string
  status: DeliveryStatus
  reason?: string
  at: number
}

export type ServiceEvent = TicketEvent | DeliveryEvent

export class EventBus {
  private readonly emitter = new EventEmitter()
  constructor (private readonly onListenerError: (err: Error) => void = () => {}) {
    this.emitter.setMaxListeners(0)
  }

  emit (event: ServiceEvent): void {
    for (const l of this.emitter.listeners('event') as Array<(e: ServiceEvent) => void>) {
      try { l(event) } catch (err) { this.onListenerError(err as Error) }
    }
  }

  /** returns the function that unsubscribes */
  onEvent (listener: (e: ServiceEvent) => void): () => void {
    this.emitter.on('event', listener)
    return () => { this.emitter.off('event', listener) }
  }
}
