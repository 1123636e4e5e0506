/**
 * What one connection sends to the real Redis while some work runs, and the commands the scripts run
 * under a prefix, counted with MONITOR: commands, not timings. MONITOR lags behind, so the count runs
 * between two markers (ECHO) sent on the watched connection, once the second one shows.
 * @see https://redis.io/docs/latest/commands/monitor/
 */
import { afterEach } from 'vitest'
import { Redis } from 'ioredis'
import { REDIS_URL } from './redis.js'
import { until } from './until.js'

export interface Seen {
  /** the commands the connection sent, name lower-cased first */
  sent: string[][]
  /** the commands scripts ran on keys under the prefix (none without a prefix) */
  lua: string[][]
}

const monitors: Redis[] = []
afterEach(() => { for (const m of monitors.splice(0)) m.disconnect() })

/** A MONITOR on the shared server watching `redis`'s connection; closed after the test. */
export async function watch (redis: Redis, prefix?: string): Promise<(work: () => Promise<unknown>) => Promise<Seen>> {
  const addr = /addr=(\S+)/.exec(await redis.client('INFO') as string)![1]!
  const monitor = await new Redis(REDIS_URL).monitor()
  monitors.push(monitor)
  const feed: Array<{ source: string; cmd: string[] }> = []
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    // scripts of other tests on the shared server run under other prefixes
    if (source === addr || (prefix !== undefined && source === 'lua' && args.some((a) => a.startsWith(prefix)))) feed.push({ source, cmd: [args[0]!.toLowerCase(), ...args.slice(1)] })
  })
  const marker = async (): Promise<number> => {
    const m = `marker-${Math.random()}`
    await redis.echo(m)
    await until(() => feed.some((e) => e.cmd[1] === m), 'MONITOR to show the marker')
    return feed.findIndex((e) => e.cmd[1] === m)
  }
  return async (work) => {
    const from = await marker()
    await work()
    const to = await marker()
    const between = feed.slice(from + 1, to)
    return { sent: between.filter((e) => e.source === addr).map((e) => e.cmd), lua: between.filter((e) => e.source === 'lua').map((e) => e.cmd) }
  }
}
