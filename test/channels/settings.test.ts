/** The `channels:` section of a shop's rule files: validated at load with file:line, secrets never printed. */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { loadRulesDir, formatProblem } from '../../src/rules/load.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
  delete process.env.TEST_SHOP_WX_SECRET
})

async function shop (yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'channels-'))
  dirs.push(dir)
  await mkdir(join(dir, 'shop-a'))
  await writeFile(join(dir, 'shop-a', 'channels.yaml'), yaml)
  await writeFile(join(dir, 'shop-a', 'shop.yaml'), 'welcome: {first: 您好, returning: 欢迎回来}\n')
  return dir
}

const GOOD = `channels:
  wechat:
    - app_id: wx2c2769f8efd9abc2
      token: spamtest
      encoding_aes_key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
      app_secret: {env: TEST_SHOP_WX_SECRET}
    - app_id: wx4f4bc4dec97d474b
      kind: mini_program
      token: AAAAA
  wecom:
    - corp_id: wx5823bf96d3bd56c7
      secret: {env: TEST_SHOP_WX_SECRET}
      token: QDG6eK
      encoding_aes_key: jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C
`

describe('channel settings in the rules folder', () => {
  it('loads several accounts per shop, a secret by environment reference, and never prints one', async () => {
    process.env.TEST_SHOP_WX_SECRET = 'the-real-secret-value'
    const { shops, problems } = await loadRulesDir(await shop(GOOD))
    expect(problems).toEqual([])
    const ch = shops.get('shop-a')!.channels!
    expect(ch.wechat.map((a) => [a.app_id, a.kind])).toEqual([['wx2c2769f8efd9abc2', 'official_account'], ['wx4f4bc4dec97d474b', 'mini_program']])
    expect(ch.wechat[0]!.app_secret!.reveal()).toBe('the-real-secret-value')
    expect(ch.wecom[0]!.corp_id).toBe('wx5823bf96d3bd56c7')
    const printed = JSON.stringify(shops.get('shop-a')) + inspect(shops.get('shop-a'), { depth: 10 })
    for (const s of ['the-real-secret-value', 'spamtest', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'QDG6eK']) expect(printed).not.toContain(s)
  })

  it('a missing environment variable, a bad key and a bad app_id are reported with file:line, without the values', async () => {
    const bad = GOOD.replace('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'tooShortKey').replace('wx4f4bc4dec97d474b', 'gh_123')
    const { problems } = await loadRulesDir(await shop(bad))
    const lines = problems.map(formatProblem)
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/channels\.yaml:5 channels\.wechat\.0\.encoding_aes_key: encoding_aes_key is malformed/),
      expect.stringMatching(/channels\.yaml:6 channels\.wechat\.0\.app_secret: environment variable TEST_SHOP_WX_SECRET \(app_secret\) is not set/),
      expect.stringMatching(/channels\.yaml:7 channels\.wechat\.1\.app_id: an AppID looks like/)
    ]))
    expect(lines.join('\n')).not.toContain('tooShortKey')
  })

  it('an unknown field is refused with a spelling hint', async () => {
    const { problems } = await loadRulesDir(await shop(GOOD.replace('      kind: mini_program\n', '      kind: mini_program\n      apps_ecret: x\n')))
    const text = problems.map(formatProblem).join('\n')
    expect(text).toMatch(/unknown field "apps_ecret"/)
  })

  it('an account listed twice in one shop is refused', async () => {
    process.env.TEST_SHOP_WX_SECRET = 'x'
    const { problems } = await loadRulesDir(await shop(GOOD.replace('wx4f4bc4dec97d474b', 'wx2c2769f8efd9abc2')))
    expect(problems.map(formatProblem).join('\n')).toMatch(/channels\.yaml:7 .*app_id wx2c2769f8efd9abc2 is listed twice/)
  })
})
