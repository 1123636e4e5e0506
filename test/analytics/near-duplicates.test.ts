import { describe, it, expect } from 'vitest'
import { mergeNearDuplicates } from '../../src/analytics/near-duplicates.js'
import { matchKey } from '../../src/matching/normalise.js'
import type { UnmatchedCount } from '../../src/store/types.js'

/** Rows as a store returns them: counted by normalised key, original wordings newest first. */
function rows (texts: string[]): UnmatchedCount[] {
  const by = new Map<string, UnmatchedCount>()
  for (const t of texts) {
    const key = matchKey(t)
    const r = by.get(key) ?? { key, count: 0, examples: [] }
    r.count++
    if (!r.examples.includes(t)) r.examples.unshift(t)
    by.set(key, r)
  }
  return [...by.values()]
}

describe('mergeNearDuplicates', () => {
  it('counts a question with particles, punctuation or traditional characters as one', () => {
    const merged = mergeNearDuplicates(rows(['我的快递到哪了', '我的快递到哪了呀', '我的快遞到哪了', '我的快递到哪了？', '能开发票吗']), 10)
    expect(merged.map((q) => [q.count, q.text])).toEqual([[4, '我的快递到哪了'], [1, '能开发票吗']])
    expect(merged[0]!.examples).toEqual(expect.arrayContaining(['我的快递到哪了呀', '我的快遞到哪了', '我的快递到哪了？']))
  })

  it('keeps different short questions apart', () => {
    const merged = mergeNearDuplicates(rows(['有礼盒吗', '有赠品吗', '包邮吗']), 10)
    expect(merged).toHaveLength(3)
  })

  it('gives the same list whatever order the store returned equal counts in', () => {
    const input = rows(['我的快递到哪了呀', '我的快递到哪了', '可以刻字吗', '有礼盒吗'])
    const a = mergeNearDuplicates(input, 10)
    const b = mergeNearDuplicates([...input].reverse(), 10)
    expect(b).toEqual(a)
    // the bare question names the group, not whichever wording came first or last
    expect(a[0]).toMatchObject({ text: '我的快递到哪了', count: 2 })
  })

  it('names a group by the plain wording, not by the newest', () => {
    const [q] = mergeNearDuplicates([{ key: '在哪里买', count: 3, examples: ['在哪里买？？', '在哪裡買', '在哪里买'] }], 10)
    expect(q!.text).toBe('在哪里买')
  })

  it('keeps at most limit questions, the most frequent', () => {
    const merged = mergeNearDuplicates(rows(['有礼盒吗', '有礼盒吗', '可以刻字吗', '能开发票吗', '能开发票吗', '能开发票吗']), 2)
    expect(merged.map((q) => q.text)).toEqual(['能开发票吗', '有礼盒吗'])
  })
})
