import { describe, it, expect } from 'vitest'
import { build, msg, DEMO_RULES } from '../helpers/build.js'
import { loadConfig } from '../../src/config.js'

// The fallbacks are switched by the environment the server reads, not only by the eval script.
describe('fallback switches reach the served engine', () => {
  it('the classifier and the homophone pass are off by default: they lost more answers than they won on realistic traffic', () => {
    expect(loadConfig({}).CLASSIFIER).toBe(false)
    expect(loadConfig({}).TYPOS).toBe('latin')
    expect(loadConfig({ TYPOS: 'true' }).TYPOS).toBe('all')
    expect(loadConfig({ TYPOS: 'false' }).TYPOS).toBe('off')
    expect(() => loadConfig({ TYPOS: 'homophones' })).toThrow(/TYPOS/)
  })

  const reply = async (app: Awaited<ReturnType<typeof build>>, text: string) =>
    (await app.inject({ method: 'POST', url: '/v1/messages', payload: msg(text) })).json()

  it('by default pinyin typed in Latin letters is read, a Chinese homophone is not', async () => {
    const app = await build({ rules: DEMO_RULES })
    const latin = await reply(app, 'bao you bu')
    expect(latin.action).toBe('reply')
    expect(latin.matched[0]).toMatchObject({ method: 'pinyin', intent: 'shipping' })
    // 顺风 → 顺丰 is a homophone no keyword lists: a person reads it
    expect((await reply(app, '发顺风吗')).action).toBe('handoff')
  })

  it('TYPOS=all adds the homophone pass, TYPOS=false turns both off', async () => {
    const all = await build({ rules: DEMO_RULES, env: { TYPOS: 'all' } })
    const answered = await reply(all, '发顺风吗')
    expect(answered.action).toBe('reply')
    expect(answered.matched[0].method).toBe('pinyin')

    const off = await build({ rules: DEMO_RULES, env: { TYPOS: 'false' } })
    expect((await reply(off, '发顺风吗')).action).toBe('handoff')
    expect((await reply(off, 'bao you bu')).action).toBe('handoff')
  })
})
