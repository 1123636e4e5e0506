import { afterEach } from 'vitest'
import { fileURLToPath } from 'node:url'
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDocument } from 'yaml'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import type { Store } from '../../src/store/types.js'
import { until } from './until.js'

export const MINI_RULES = fileURLToPath(new URL('../fixtures/rules-mini', import.meta.url))
export const DEMO_RULES = fileURLToPath(new URL('../../rules', import.meta.url))

/**
 * A copy of a rules folder whose shop is open around the clock, for tests that need agents on
 * duty: the demo shop closes at 21:00 Shanghai time, so a test that hands off to a person on the
 * shipped rules gets the closed reply whenever it runs in the evening (13:00 UTC onwards).
 */
export async function alwaysOpen (rules = DEMO_RULES): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rules-open-'))
  await cp(rules, dir, { recursive: true })
  const file = join(dir, 'shop.yaml')
  const doc = parseDocument(await readFile(file, 'utf8'))
  if (doc.hasIn(['hours'])) doc.setIn(['hours', 'open'], doc.createNode({ 'mon-sun': '00:00-24:00' }))
  await writeFile(file, doc.toString())
  return dir
}

type App = Awaited<ReturnType<typeof buildApp>>
const open: App[] = []
afterEach(async () => { await Promise.all(open.splice(0).map((a) => a.close())) })

/** An app on the embedded store (or the given one); closed after the test. */
export async function build (opts: { rules?: string; store?: Store; env?: Record<string, string>; rulesStartWaitMs?: number } = {}): Promise<App> {
  const config = loadConfig({ RULES_DIR: opts.rules ?? MINI_RULES, RULES_WATCH: 'false', LOG_LEVEL: 'silent', CLASSIFIER: 'false', ...opts.env })
  const app = await buildApp({ config, store: opts.store, logger: false, ...(opts.rulesStartWaitMs !== undefined ? { rulesStartWaitMs: opts.rulesStartWaitMs } : {}) })
  open.push(app)
  return app
}

/**
 * Resolves once /readyz says the store answers, as a load balancer would start sending: the
 * service's Redis client refuses commands until connected (it never queues them).
 */
export async function untilReady (app: App): Promise<void> {
  await until(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200, 'the store to answer /readyz')
}

let seq = 0
export function msg (text: string, extra: Record<string, unknown> = {}) {
  seq++
  return { messageId: `m-${process.pid}-${Date.now()}-${seq}`, conversationId: `c-${seq}`, buyerId: `b-${seq}`, text, ...extra }
}
