/**
 * Today's traffic per shop, by hour of the shop's day: messages answered by the bot, handed to a
 * person, or passed to the agent holding the chat, and which intents answered. The console's
 * operator charts read it. Kept in this process's memory (two days per shop, 24 counters each):
 * Prometheus counters have no hours, and a Redis write per message for a chart is not worth its
 * latency on the webhook path. With several instances each counts the messages it served.
 */
import { dayKey } from '../store/ticket-order.js'

export type TrafficAction = 'reply' | 'handoff' | 'silent'

export interface TrafficDay {
  shopId: string
  /** YYYY-MM-DD in the shop's time zone */
  day: string
  timeZone: string
  /** 24 rows, hour 0–23 of the shop's day */
  hours: Array<{ hour: number; reply: number; handoff: number; silent: number }>
  /** intents that answered today, most frequent first */
  intents: Array<{ intent: string; count: number }>
  /** epoch ms since which this process has counted (its start, or the first message) */
  since: number
}

interface Day { hours: Array<Record<TrafficAction, number>>; intents: Map<string, number> }

const KEEP_DAYS = 2
const hourFormats = new Map<string, { format: Intl.DateTimeFormat; minute: number; hour: number }>()

/** 0–23 in the time zone (en-GB with hourCycle h23 never prints "24"); formatted once per zone and UTC minute, as dayKey. */
export function hourOf (at: number, timeZone: string): number {
  let z = hourFormats.get(timeZone)
  if (!z) hourFormats.set(timeZone, (z = { format: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }), minute: NaN, hour: 0 }))
  const minute = Math.floor(at / 60_000)
  if (z.minute !== minute) { z.minute = minute; z.hour = Number(z.format.format(at)) }
  return z.hour
}

export class TrafficTally {
  private readonly days = new Map<string, Map<string, Day>>()
  constructor (private readonly since = Date.now()) {}

  record (shopId: string, timeZone: string, at: number, action: TrafficAction, intents: string[]): void {
    let shop = this.days.get(shopId)
    if (!shop) this.days.set(shopId, (shop = new Map()))
    const key = dayKey(at, timeZone)
    let day = shop.get(key)
    if (!day) {
      shop.set(key, (day = { hours: Array.from({ length: 24 }, () => ({ reply: 0, handoff: 0, silent: 0 })), intents: new Map() }))
      // the oldest days go: keys are YYYY-MM-DD, so they sort by date
      for (const old of [...shop.keys()].sort().slice(0, -KEEP_DAYS)) shop.delete(old)
    }
    day.hours[hourOf(at, timeZone)]![action]++
    for (const i of new Set(intents)) day.intents.set(i, (day.intents.get(i) ?? 0) + 1)
  }

  today (shopId: string, timeZone: string, now = Date.now()): TrafficDay {
    const key = dayKey(now, timeZone)
    const day = this.days.get(shopId)?.get(key)
    return {
      shopId,
      day: key,
      timeZone,
      hours: Array.from({ length: 24 }, (_, hour) => ({ hour, ...(day?.hours[hour] ?? { reply: 0, handoff: 0, silent: 0 }) })),
      intents: [...(day?.intents ?? [])].map(([intent, count]) => ({ intent, count })).sort((a, b) => b.count - a.count || a.intent.localeCompare(b.intent)),
      since: this.since
    }
  }
}
