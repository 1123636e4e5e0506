/**
 * One benchmark target in a process of its own, started by bench/http/run.ts:
 *   bare      a bare Fastify route POST /v1/messages returning a constant JSON body;
 *   embedded  the service (buildApp) with the embedded store;
 *   redis     the service with the Redis store under the key prefix given as argv[3].
 * Both the bare route and the service run with logging off; the service with its defaults otherwise
 * (metrics, zod validation and serialisation, the paraphrase classifier), rule watching off.
 * Listens on 127.0.0.1 only, reports its port over IPC, and closes on "close" or when the parent goes.
 * On "reset" / "stats" it starts over / reports its event-loop delay and GC pauses, to tell a server
 * that stalled (GC, CPU) from one that waited on Redis.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

export type Target = 'bare' | 'embedded' | 'redis'

export interface ServerStats {
  /** event-loop delay, ms, sampled every millisecond */
  loopP50: number
  loopP99: number
  loopMax: number
  gcCount: number
  gcTotalMs: number
  gcMaxMs: number
}
const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url))

async function start (target: Target, redisUrl: string, prefix: string): Promise<FastifyInstance> {
  if (target === 'bare') {
    const app = Fastify({ logger: false })
    const constant = { action: 'reply', replies: [{ type: 'text', text: '亲，本店支持7天无理由退换货哦~' }], matched: [] }
    app.post('/v1/messages', async () => constant)
    return app
  }
  const env: Record<string, string> = { LOG_LEVEL: 'silent', RULES_WATCH: 'false', RULES_DIR }
  if (target === 'redis') Object.assign(env, { REDIS_URL: redisUrl, REDIS_PREFIX: prefix })
  return (await buildApp({ config: loadConfig(env), logger: false })) as unknown as FastifyInstance
}

// run as a child of bench/http/run.ts (not when imported for its texts)
if (process.send && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [target, redisUrl = '', prefix = ''] = process.argv.slice(2) as [Target, string?, string?]
  const app = await start(target, redisUrl, prefix)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  let closing = false
  const close = async (): Promise<void> => {
    if (closing) return
    closing = true
    await app.close()
    // exit normally so that --cpu-prof writes its profile
    process.exit(0)
  }
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  let gc = { count: 0, total: 0, max: 0 }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { gc.count++; gc.total += e.duration; gc.max = Math.max(gc.max, e.duration) }
  }).observe({ entryTypes: ['gc'] })
  process.on('message', (m) => {
    if (m === 'close') void close()
    else if (m === 'reset') { loop.reset(); gc = { count: 0, total: 0, max: 0 }; process.send!('reset') }
    else if (m === 'stats') {
      const stats: ServerStats = {
        loopP50: loop.percentile(50) / 1e6, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6,
        gcCount: gc.count, gcTotalMs: gc.total, gcMaxMs: gc.max
      }
      process.send!(stats)
    }
  })
  process.on('disconnect', () => { void close() })
  process.send({ port })
}
