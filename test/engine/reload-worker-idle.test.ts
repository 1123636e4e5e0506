/** The reload worker stops when idle (its heap goes back) and starts again for the next request. */
import { describe, it, expect } from 'vitest'
import { ReloadWorker } from '../../src/engine/reload-client.js'
import { loadRulesDir } from '../../src/rules/load.js'
import { DEMO_RULES } from '../helpers/build.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('reload worker', () => {
  it('stops after its idle time and answers the next request with a new worker', async () => {
    const { shops } = await loadRulesDir(DEMO_RULES)
    const worker = new ReloadWorker(300)
    try {
      const check = { kind: 'check' as const, classifier: false, typos: 'latin' as const, shops: [...shops.values()] }
      const first = await worker.run(check)
      expect(first.ok).toBe(true)
      expect(worker.running).toBe(true)
      for (let i = 0; i < 100 && worker.running; i++) await sleep(50)
      expect(worker.running).toBe(false)
      const again = await worker.run(check)
      expect(again).toMatchObject({ ok: true, failing: first.failing })
      expect(worker.running).toBe(true)
    } finally {
      await worker.close()
    }
  }, 30_000)
})
