/** The conflict report of `shop-autoreply check`, on small rule sets written for each case. */
import { describe, it, expect, afterAll } from 'vitest'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkEngine } from '../../src/engine/check.js'
import { engineFor } from '../helpers/engine.js'

const temps: string[] = []
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))) })

async function report (yaml: string) {
  const dir = await mkdtemp(join(tmpdir(), 'check-'))
  temps.push(dir)
  await writeFile(join(dir, 'shop.yaml'), yaml)
  return checkEngine(await engineFor(dir))
}

describe('checkEngine conflicts', () => {
  it('names every keyword hidden inside another intent\'s keyword: 退 / 退货 / 不退货', async () => {
    const r = await report([
      'rules:',
      '  - {id: refund, intent: refund, keywords: [退], reply: a}',
      '  - {id: returns, intent: return_policy, keywords: [退货], reply: b}',
      '  - {id: no-return, intent: final_sale, keywords: [不退货], reply: c}',
      ''
    ].join('\n'))
    const overlaps = r.conflicts.filter((c) => c.kind === 'keyword_overlap').map((c) => `${c.ruleId} in ${c.other} @${c.file.split('/').pop()}:${c.line}`)
    expect(overlaps.sort()).toEqual(['refund in no-return @shop.yaml:2', 'refund in returns @shop.yaml:2', 'returns in no-return @shop.yaml:3'])
    expect(r.failures).toEqual([])
  })

  it('leaves a longer keyword of the same intent alone: that is how specific rules work', async () => {
    const r = await report([
      'rules:',
      '  - {id: returns, intent: return_policy, keywords: [退货], reply: a}',
      '  - {id: return-fee, intent: return_policy, keywords: [退货运费], reply: b}',
      ''
    ].join('\n'))
    expect(r.conflicts).toEqual([])
  })

  it('reports an example that another intent\'s rule also answers', async () => {
    const r = await report([
      'rules:',
      '  - {id: returns, intent: return_policy, keywords: [退货], examples: [退货包邮吗], reply: a}',
      '  - {id: shipping, intent: shipping, keywords: [包邮], reply: b}',
      ''
    ].join('\n'))
    expect(r.conflicts).toContainEqual(expect.objectContaining({ kind: 'example_taken', ruleId: 'returns', other: 'shipping', line: 2, detail: expect.stringContaining('退货包邮吗') }))
  })
})
